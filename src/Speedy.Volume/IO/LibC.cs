using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Speedy.Volume.IO;

/// <summary>
/// The few Linux calls .NET does not expose: <c>fdatasync</c>, <c>fallocate</c>, <c>sync_file_range</c>, and opening
/// a directory to fsync it.
/// </summary>
internal static partial class LibC
{
    public const int FallocKeepSize = 1;
    public const uint SyncFileRangeWrite = 2;
    public const int ENOSPC = 28;
    public const int EDQUOT = 122;
    public const int EOPNOTSUPP = 95;
    public const int EINTR = 4;

    private const int OReadOnly = 0;
    private const int OCloseOnExec = 0x80000;

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int FDataSync(SafeFileHandle fd);

    [LibraryImport("libc", EntryPoint = "fallocate", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int FAllocate(SafeFileHandle fd, int mode, long offset, long length);

    [LibraryImport("libc", EntryPoint = "sync_file_range", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    public static partial int SyncFileRange(SafeFileHandle fd, long offset, long length, uint flags);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Close(int fd);

    /// <summary>Makes the entries of <paramref name="directory"/> (creations, renames, deletions) durable.</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var fd = Open(directory, OReadOnly | OCloseOnExec);
        if (fd < 0)
        {
            throw Error("open", directory);
        }

        try
        {
            if (FSync(fd) != 0)
            {
                throw Error("fsync", directory);
            }
        }
        finally
        {
            _ = Close(fd);
        }
    }

    /// <summary>An <see cref="IOException"/> for the last error, with the errno as its HResult (as .NET's own are on Unix).</summary>
    public static IOException Error(string call, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} failed on '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }
}
