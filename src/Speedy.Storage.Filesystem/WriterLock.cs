using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Speedy.Storage.Filesystem;

/// <summary>
/// The lock that makes a writer exclusive across every process sharing the root.
/// </summary>
/// <remarks>
/// <para>
/// <b>Linux.</b> A writer takes an open file description lock (<c>fcntl(F_OFD_SETLK)</c>, non-blocking) for writing
/// over the whole file, on its own descriptor of the file it writes. Such a lock conflicts with any other writer's,
/// in this process or another (it belongs to the descriptor, not the process), and the kernel drops it when the
/// descriptor is closed, including when the process dies. It is not <c>flock</c>: .NET takes <c>flock(LOCK_SH)</c>
/// on every file it opens with a <see cref="FileShare"/> other than <see cref="FileShare.None"/>, so an exclusive
/// <c>flock</c> would shut readers out, while record locks and <c>flock</c> do not interact on local filesystems.
/// Readers take no record lock, so a writer never blocks them. (On NFS the kernel emulates <c>flock</c> with record
/// locks, so there a reader's shared <c>flock</c> would conflict with a writer.)
/// </para>
/// <para>
/// <b>The file, not the name.</b> The lock holds the file that was opened. Between opening the path and locking,
/// another writer may have deleted or moved that file (a cancel, or a completed upload moved into place), so once
/// the lock is held the path is looked up again (<c>statx</c>, inode and device): if it no longer names the locked
/// file, the caller closes it and opens the path again. Without that check, a writer could lock a file that has
/// just been published elsewhere and append to it.
/// </para>
/// <para>
/// <b>Elsewhere</b> (macOS, Windows, 32-bit Linux) writers exclude each other within one process only: a table of
/// the paths held, which the driver keeps following the files (<see cref="Moved"/>, <see cref="Deleted"/>).
/// </para>
/// </remarks>
internal static partial class WriterLock
{
    private const int OpenFileDescriptionSetLock = 37;
    private const short WriteLockType = 1;
    private const short FromStart = 0;
    private const int AtCurrentDirectory = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const int AtEmptyPath = 0x1000;
    private const uint StatxInode = 0x100;
    private const int NoSuchEntry = 2;
    private const int TryAgain = 11;
    private const int PermissionDenied = 13;
    private const int NotADirectory = 20;

    private static readonly bool s_useRecordLocks = OperatingSystem.IsLinux() && Environment.Is64BitProcess;
    /// <summary>Without record locks: each held path and the handle of the writer holding it.</summary>
    private static readonly Dictionary<string, SafeFileHandle> s_heldInProcess = new(StringComparer.Ordinal);
    private static readonly Lock s_heldInProcessLock = new();

    /// <summary>
    /// Locks the file open as <paramref name="handle"/> for its writer. Returns false, holding nothing, when
    /// <paramref name="fullPath"/> no longer names that file: the caller closes the handle and opens the path again.
    /// </summary>
    /// <exception cref="StorageWriterBusyException">Another writer holds the file.</exception>
    /// <exception cref="IOException">The filesystem refused the lock or the lookup.</exception>
    public static bool TryAcquire(SafeFileHandle handle, string fullPath, string path)
    {
        if (!s_useRecordLocks)
        {
            lock (s_heldInProcessLock)
            {
                return s_heldInProcess.TryAdd(fullPath, handle) ? true : throw new StorageWriterBusyException(path);
            }
        }

        var record = new FileLockRecord { Type = WriteLockType, Whence = FromStart, Start = 0, Length = 0 };
        if (SetLock(handle, OpenFileDescriptionSetLock, ref record) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            if (error is TryAgain or PermissionDenied)
            {
                throw new StorageWriterBusyException(path);
            }

            throw new IOException($"cannot lock \"{path}\" for writing: {Marshal.GetPInvokeErrorMessage(error)}");
        }

        return NamesTheLockedFile(handle, fullPath, path);
    }

    /// <summary>
    /// Releases what <see cref="TryAcquire"/> took for <paramref name="handle"/>, once it is closed. With record
    /// locks, closing the handle has already released the lock.
    /// </summary>
    public static void Release(SafeFileHandle handle)
    {
        if (s_useRecordLocks)
        {
            return;
        }

        lock (s_heldInProcessLock)
        {
            foreach (var (heldPath, holder) in s_heldInProcess)
            {
                if (ReferenceEquals(holder, handle))
                {
                    s_heldInProcess.Remove(heldPath);
                    return;
                }
            }
        }
    }

    /// <summary>
    /// A file was renamed from <paramref name="sourceFullPath"/> over <paramref name="destinationFullPath"/>: its
    /// writer, if any, now holds the destination, and the source is free. (Record locks follow the file by
    /// themselves.)
    /// </summary>
    public static void Moved(string sourceFullPath, string destinationFullPath)
    {
        if (s_useRecordLocks)
        {
            return;
        }

        lock (s_heldInProcessLock)
        {
            s_heldInProcess.Remove(destinationFullPath);
            if (s_heldInProcess.Remove(sourceFullPath, out var holder))
            {
                s_heldInProcess.Add(destinationFullPath, holder);
            }
        }
    }

    /// <summary>The file or tree at <paramref name="fullPath"/> was deleted: every path in it is free.</summary>
    public static void Deleted(string fullPath)
    {
        if (s_useRecordLocks)
        {
            return;
        }

        lock (s_heldInProcessLock)
        {
            foreach (var heldPath in s_heldInProcess.Keys)
            {
                if (heldPath.StartsWith(fullPath, StringComparison.Ordinal)
                    && (heldPath.Length == fullPath.Length || heldPath[fullPath.Length] == Path.DirectorySeparatorChar))
                {
                    s_heldInProcess.Remove(heldPath);
                }
            }
        }
    }

    private static bool NamesTheLockedFile(SafeFileHandle handle, string fullPath, string path)
    {
        if (StatxOfHandle(handle, string.Empty, AtEmptyPath, StatxInode, out var locked) != 0)
        {
            throw new IOException($"cannot identify the file opened for \"{path}\": {Marshal.GetLastPInvokeErrorMessage()}");
        }

        if (StatxOfPath(AtCurrentDirectory, fullPath, AtSymlinkNoFollow, StatxInode, out var named) != 0)
        {
            var error = Marshal.GetLastPInvokeError();
            return error is NoSuchEntry or NotADirectory
                ? false
                : throw new IOException($"cannot look \"{path}\" up: {Marshal.GetPInvokeErrorMessage(error)}");
        }

        return locked.IsSameFileAs(named);
    }

    // fcntl is variadic; its third argument is passed like a fixed one on x86-64 and arm64 Linux, the only
    // platforms that call it here.
    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int SetLock(SafeFileHandle descriptor, int command, ref FileLockRecord record);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxOfHandle(SafeFileHandle descriptor, string path, int flags, uint mask, out FileIdentity identity);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int StatxOfPath(int directory, string path, int flags, uint mask, out FileIdentity identity);
}
