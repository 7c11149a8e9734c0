using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Speedy.Volume.IO;

/// <summary>
/// The few Linux calls .NET does not expose: <c>fdatasync</c>, <c>fallocate</c>, <c>sync_file_range</c>, and
/// <c>open</c> and <c>pwrite</c> for <c>O_DIRECT</c> (a directory's fsync is <c>Speedy.IO.DirectorySync</c>).
/// </summary>
internal static partial class LibC
{
    public const int FallocKeepSize = 1;
    public const uint SyncFileRangeWrite = 2;
    public const int ENOSPC = 28;
    public const int EDQUOT = 122;
    public const int EOPNOTSUPP = 95;
    public const int EINTR = 4;
    public const int OWrOnly = 1;
    public const int OCloExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int FDataSync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int FAllocate(SafeFileHandle fd, int mode, long offset, long length);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int SyncFileRange(SafeFileHandle fd, long offset, long length, uint flags);

    /// <summary><c>open(2)</c> without <c>O_CREAT</c>; an invalid handle on failure.</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial SafeFileHandle Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static unsafe partial nint PWrite(SafeFileHandle fd, byte* buffer, nint count, long offset);

    /// <summary>An <see cref="IOException"/> for the last error, with the errno as its HResult (as .NET's own are on Unix).</summary>
    public static IOException Error(string call, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} failed on '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }
}
