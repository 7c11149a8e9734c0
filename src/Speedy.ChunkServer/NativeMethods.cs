using System.Runtime.InteropServices;

namespace Speedy.ChunkServer;

/// <summary>The one Linux call .NET does not expose that the chunk server needs: fsync of a directory.</summary>
internal static partial class NativeMethods
{
    private const int OReadOnly = 0;
    private const int OCloseOnExec = 0x80000;

    /// <summary>Makes the entries of <paramref name="directory"/> (a file just created in it) durable. Does nothing off Linux.</summary>
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

    private static IOException Error(string call, string path)
    {
        var errno = Marshal.GetLastPInvokeError();
        return new IOException($"{call} failed on '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int FSync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Close(int fd);
}
