using System.IO.Enumeration;
using Speedy.IO;

namespace Speedy.Storage.Filesystem;

/// <summary>
/// A storage driver over a local directory: the driver path "/a/b" is the file "a/b" under the root.
/// </summary>
/// <remarks>
/// <para>
/// <b>Atomic replacement.</b> <see cref="PutContentAsync"/> writes a uniquely named temporary file
/// (<see cref="TemporaryFilePrefix"/> and 32 hex digits) next to the destination, flushes it to disk, renames it
/// over the destination and flushes the directory. A crash leaves at most a stray temporary file: names starting
/// with <see cref="TemporaryFilePrefix"/> are reserved, <see cref="ListAsync"/> skips them and every other method
/// refuses a path that names one (<see cref="ArgumentException"/>), so they are invisible through the driver.
/// </para>
/// <para>
/// <b>Confinement.</b> <see cref="StoragePath"/> rules out "..", "." and empty segments. On top of that a path
/// that crosses or names a symbolic link (or any other reparse point) is refused with
/// <see cref="UnauthorizedAccessException"/>, so a link planted in the tree cannot lead outside the root;
/// <see cref="ListAsync"/> skips links and <see cref="DeleteAsync"/> removes a link inside a deleted tree without
/// following it. The check costs one <c>lstat</c> per existing segment. It does not defend against a local user
/// who swaps a directory for a link between the check and the use; that needs <c>openat2</c>'s
/// <c>RESOLVE_BENEATH</c>, and such a user can already write under the root.
/// </para>
/// <para>
/// <b>Durability.</b> Renames (<see cref="PutContentAsync"/>, <see cref="MoveAsync"/>) and the directories the
/// driver creates are flushed into their parent directories; a writer flushes its file and directory on commit
/// and on dispose.
/// </para>
/// <para>
/// <b>Exclusive writers.</b> A writer holds an advisory lock on its file for as long as it is open
/// (<see cref="WriterLock"/>: an open file description record lock on Linux), so a second writer on the same path,
/// from any process on this machine sharing the root, fails at once with <see cref="StorageWriterBusyException"/>.
/// Readers take no such lock and are never blocked. Every process must use this driver (or honour the same
/// lock) to be excluded; outside Linux the exclusion holds within one process only.
/// </para>
/// <para>
/// <b>Empty directories.</b> Directories are created on demand and removed, up to but not including the root,
/// when a delete, move or cancel leaves them empty, so a directory exists exactly while something is under it.
/// Creating a file in a directory that a concurrent delete is removing retries the creation.
/// </para>
/// <para>
/// <b>Threads.</b> The whole-file methods work on small files (manifests, links, metadata); they run on the
/// caller's thread and return completed tasks, sparing a thread-pool hop per call. Streams and writers for
/// blobs use asynchronous positional I/O.
/// </para>
/// </remarks>
public sealed partial class FilesystemStorageDriver : IStorageDriver
{
    /// <summary>The prefix of the driver's temporary files; no driver path may have a segment starting with it.</summary>
    public const string TemporaryFilePrefix = ".tmp-";

    private const string ReservedSegment = "/" + TemporaryFilePrefix;
    private const FileShare Sharing = FileShare.ReadWrite | FileShare.Delete;

    /// <summary>How often a file creation is retried when a concurrent delete removes its new parent directory.</summary>
    private const int MaxCreateAttempts = 16;

    private static readonly EnumerationOptions s_directChildren = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
    };

    private static readonly FileSystemEnumerable<string>.FindTransform s_fileName =
        static (ref FileSystemEntry entry) => entry.FileName.ToString();

    private static readonly FileSystemEnumerable<string>.FindPredicate s_isListed =
        static (ref FileSystemEntry entry) =>
            (entry.Attributes & FileAttributes.ReparsePoint) == 0
            && !entry.FileName.StartsWith(TemporaryFilePrefix, StringComparison.Ordinal);

    private static readonly FileSystemEnumerable<(string Path, bool IsDirectory)>.FindTransform s_entry =
        static (ref FileSystemEntry entry) =>
            (entry.ToFullPath(), entry.IsDirectory && (entry.Attributes & FileAttributes.ReparsePoint) == 0);

    private readonly string _root;
    private readonly string _rootPrefix;
    private readonly bool _directWrites;

    /// <summary>Serves the tree under <paramref name="rootDirectory"/>, creating the directory if it is missing.</summary>
    /// <param name="rootDirectory">The directory that "/" maps to.</param>
    /// <param name="directWrites">
    /// Writers put the page-aligned middle of large writes on the disk with <c>O_DIRECT</c>, past the page cache
    /// (<see cref="DirectWriter"/>): less CPU per stored byte on a virtual machine, but a blob just pushed is read
    /// from the disk.
    /// </param>
    public FilesystemStorageDriver(string rootDirectory, bool directWrites = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        _directWrites = directWrites;
        var root = Path.GetFullPath(rootDirectory);
        var trimmed = Path.TrimEndingDirectorySeparator(root);
        _root = trimmed;
        _rootPrefix = Path.EndsInDirectorySeparator(trimmed) ? trimmed[..^1] : trimmed;
        Directory.CreateDirectory(_root);
    }

    public string Name => "filesystem";

    /// <summary>The absolute directory that "/" maps to.</summary>
    public string RootDirectory => _root;

    public ValueTask<byte[]> GetContentAsync(string path, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<byte[]>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult(GetContent(path));
        }
        catch (Exception exception)
        {
            return ValueTask.FromException<byte[]>(exception);
        }
    }

    public ValueTask PutContentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            PutContent(path, content.Span);
            return ValueTask.CompletedTask;
        }
        catch (Exception exception)
        {
            return ValueTask.FromException(exception);
        }
    }

    public ValueTask<Stream> ReaderAsync(string path, long offset, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<Stream>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult<Stream>(OpenReader(path, offset));
        }
        catch (Exception exception)
        {
            return ValueTask.FromException<Stream>(exception);
        }
    }

    public ValueTask<IStorageWriter> WriterAsync(string path, bool append, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IStorageWriter>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult<IStorageWriter>(OpenWriter(path, append));
        }
        catch (Exception exception)
        {
            return ValueTask.FromException<IStorageWriter>(exception);
        }
    }

    public ValueTask<StorageFileInfo> StatAsync(string path, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<StorageFileInfo>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult(Stat(path));
        }
        catch (Exception exception)
        {
            return ValueTask.FromException<StorageFileInfo>(exception);
        }
    }

    public ValueTask<IReadOnlyList<string>> ListAsync(string path, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<IReadOnlyList<string>>(cancellationToken);
        }

        try
        {
            return ValueTask.FromResult<IReadOnlyList<string>>(List(path));
        }
        catch (Exception exception)
        {
            return ValueTask.FromException<IReadOnlyList<string>>(exception);
        }
    }

    public ValueTask MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            Move(sourcePath, destinationPath);
            return ValueTask.CompletedTask;
        }
        catch (Exception exception)
        {
            return ValueTask.FromException(exception);
        }
    }

    public ValueTask DeleteAsync(string path, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            Delete(path);
            return ValueTask.CompletedTask;
        }
        catch (Exception exception)
        {
            return ValueTask.FromException(exception);
        }
    }
}
