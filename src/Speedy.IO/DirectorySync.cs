using System.Runtime.InteropServices;

namespace Speedy.IO;

/// <summary>
/// fsync of a directory, which makes the names created, renamed or removed in it durable. .NET cannot open a
/// directory as a file (<see cref="File.OpenHandle"/> refuses), so this goes to libc.
/// </summary>
public static partial class DirectorySync
{
    private const int LinuxOpenCloseOnExec = 0x80000;
    private const int MacOpenCloseOnExec = 0x1000000;

    /// <summary>ENOENT, the same on Linux and macOS.</summary>
    private const int NoSuchEntry = 2;

    /// <summary>O_RDONLY (0) plus O_CLOEXEC where its value is known, so no child process inherits the descriptor.</summary>
    private static readonly int s_openFlags =
        OperatingSystem.IsLinux() ? LinuxOpenCloseOnExec : OperatingSystem.IsMacOS() ? MacOpenCloseOnExec : 0;

    /// <summary>Flushes <paramref name="directory"/>'s entries to disk.</summary>
    /// <remarks>
    /// A directory that no longer exists is skipped: a concurrent delete emptied and removed it, and that removal
    /// supersedes whatever was to be made durable in it. A no-op on Windows, where NTFS journals its metadata and
    /// a directory handle cannot be flushed without backup privileges.
    /// </remarks>
    /// <exception cref="IOException">The directory cannot be opened or flushed.</exception>
    public static void Flush(string directory)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var descriptor = Open(directory, s_openFlags);
        if (descriptor < 0)
        {
            if (Marshal.GetLastPInvokeError() == NoSuchEntry)
            {
                return;
            }

            throw new IOException($"cannot open directory \"{directory}\" to flush it: {Marshal.GetLastPInvokeErrorMessage()}");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"cannot flush directory \"{directory}\": {Marshal.GetLastPInvokeErrorMessage()}");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
