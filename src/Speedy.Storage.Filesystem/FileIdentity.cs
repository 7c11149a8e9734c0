using System.Runtime.InteropServices;

namespace Speedy.Storage.Filesystem;

/// <summary>
/// The fields of Linux's <c>struct statx</c> (256 bytes, the same layout on every architecture) that identify a
/// file: its inode and the device it lives on.
/// </summary>
[StructLayout(LayoutKind.Explicit, Size = 256)]
internal struct FileIdentity
{
    /// <summary><c>stx_ino</c>.</summary>
    [FieldOffset(32)]
    public ulong Inode;

    /// <summary><c>stx_dev_major</c>.</summary>
    [FieldOffset(136)]
    public uint DeviceMajor;

    /// <summary><c>stx_dev_minor</c>.</summary>
    [FieldOffset(140)]
    public uint DeviceMinor;

    public readonly bool IsSameFileAs(in FileIdentity other) =>
        Inode == other.Inode && DeviceMajor == other.DeviceMajor && DeviceMinor == other.DeviceMinor;
}
