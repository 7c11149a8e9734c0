using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Speedy.Volume.IO;

/// <summary>
/// The few Linux calls .NET does not expose: <c>fdatasync</c>, <c>fallocate</c> and <c>sync_file_range</c>
/// (a directory's fsync is <c>Speedy.IO.DirectorySync</c>, <c>O_DIRECT</c> writes <c>Speedy.IO.DirectWriter</c>).
/// </summary>
internal static partial class LibC
{
    public const int FallocKeepSize = 1;
    public const uint SyncFileRangeWrite = 2;
    public const int ENOSPC = 28;
    public const int EDQUOT = 122;
    public const int EOPNOTSUPP = 95;
    public const int EINTR = 4;

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int FDataSync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int FAllocate(SafeFileHandle fd, int mode, long offset, long length);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int SyncFileRange(SafeFileHandle fd, long offset, long length, uint flags);

    /// <summary>An <see cref="IOException"/> for the last error, with the errno as its HResult (as .NET's own are on Unix).</summary>
    public static IOException Error(string call, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} failed on '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }
}
