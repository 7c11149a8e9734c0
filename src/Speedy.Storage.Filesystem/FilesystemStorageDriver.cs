using System.IO.Enumeration;
using Microsoft.Win32.SafeHandles;

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
public sealed class FilesystemStorageDriver : IStorageDriver
{
    /// <summary>The prefix of the driver's temporary files; no driver path may have a segment starting with it.</summary>
    public const string TemporaryFilePrefix = ".tmp-";

    private const string ReservedSegment = "/" + TemporaryFilePrefix;
    private const FileShare Sharing = FileShare.ReadWrite | FileShare.Delete;

    /// <summary>How often a file creation is retried when a concurrent delete removes its new parent directory.</summary>
    private const int MaxCreateAttempts = 8;

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

    /// <summary>Serves the tree under <paramref name="rootDirectory"/>, creating the directory if it is missing.</summary>
    public FilesystemStorageDriver(string rootDirectory)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
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

    /// <summary>
    /// Removes <paramref name="directory"/> and then each parent that is left empty, stopping at the first that is
    /// not empty and never removing the root.
    /// </summary>
    internal void PruneEmptyDirectories(string directory)
    {
        while (directory.Length > _root.Length && directory.StartsWith(_rootPrefix, StringComparison.Ordinal))
        {
            try
            {
                Directory.Delete(directory, recursive: false);
            }
            catch (DirectoryNotFoundException)
            {
                // Already gone (a concurrent prune): its parent may still be empty.
            }
            catch (IOException)
            {
                return;
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }

            directory = ParentOf(directory);
        }
    }

    private static StoragePathNotFoundException NotFound(string path) => new(path);

    private static string ParentOf(string fullPath) =>
        Path.GetDirectoryName(fullPath) ?? throw new InvalidOperationException($"\"{fullPath}\" has no parent directory");

    private static void TryDeleteFile(string fullPath)
    {
        try
        {
            File.Delete(fullPath);
        }
        catch (IOException)
        {
            // Best effort: the caller is already failing with the exception that matters.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    private byte[] GetContent(string path)
    {
        var fullPath = Resolve(path);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, Sharing);
        }
        catch (Exception exception) when (IsMissingFile(exception, fullPath))
        {
            throw NotFound(path);
        }

        using (handle)
        {
            var length = RandomAccess.GetLength(handle);
            if (length > Array.MaxLength)
            {
                throw new IOException($"\"{path}\" is too large to read whole ({length} bytes)");
            }

            var content = GC.AllocateUninitializedArray<byte>((int)length);
            var read = 0;
            while (read < content.Length)
            {
                var count = RandomAccess.Read(handle, content.AsSpan(read), read);
                if (count == 0)
                {
                    return content[..read];
                }

                read += count;
            }

            return content;
        }
    }

    private void PutContent(string path, ReadOnlySpan<byte> content)
    {
        var fullPath = ResolveFile(path);
        var directory = ParentOf(fullPath);
        var temporaryPath = Path.Join(directory, TemporaryFilePrefix + Guid.NewGuid().ToString("N"));
        var handle = CreateFile(path, directory, temporaryPath, FileMode.CreateNew, FileOptions.None, content.Length);
        var renamed = false;
        try
        {
            using (handle)
            {
                RandomAccess.Write(handle, content, 0);
                RandomAccess.FlushToDisk(handle);
            }

            File.Move(temporaryPath, fullPath, overwrite: true);
            renamed = true;
        }
        finally
        {
            if (!renamed)
            {
                TryDeleteFile(temporaryPath);
            }
        }

        DirectorySync.Flush(directory);
    }

    private FileStream OpenReader(string path, long offset)
    {
        var fullPath = Resolve(path);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        FileStream stream;
        try
        {
            stream = new FileStream(fullPath, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = Sharing,
                BufferSize = 0,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
        }
        catch (Exception exception) when (IsMissingFile(exception, fullPath))
        {
            throw NotFound(path);
        }

        try
        {
            var length = stream.Length;
            if (offset > length)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, $"beyond the end of \"{path}\" ({length} bytes)");
            }

            stream.Position = offset;
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private FilesystemStorageWriter OpenWriter(string path, bool append)
    {
        var fullPath = ResolveFile(path);
        var directory = ParentOf(fullPath);
        var mode = append ? FileMode.OpenOrCreate : FileMode.Create;
        var handle = CreateFile(path, directory, fullPath, mode, FileOptions.Asynchronous, preallocationSize: 0);
        try
        {
            var size = append ? RandomAccess.GetLength(handle) : 0;
            return new FilesystemStorageWriter(this, fullPath, directory, handle, size);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private StorageFileInfo Stat(string path)
    {
        var fullPath = Resolve(path);
        var file = new FileInfo(fullPath);
        if (file.Exists)
        {
            return new StorageFileInfo(path, file.Length, new DateTimeOffset(file.LastWriteTimeUtc), IsDirectory: false);
        }

        var directory = new DirectoryInfo(fullPath);
        if (directory.Exists)
        {
            return new StorageFileInfo(path, 0, new DateTimeOffset(directory.LastWriteTimeUtc), IsDirectory: true);
        }

        throw NotFound(path);
    }

    private List<string> List(string path)
    {
        var fullPath = Resolve(path);
        var isRoot = path.Length == 1;
        var names = new List<string>();
        try
        {
            var entries = new FileSystemEnumerable<string>(fullPath, s_fileName, s_directChildren)
            {
                ShouldIncludePredicate = s_isListed,
            };
            foreach (var name in entries)
            {
                names.Add(name);
            }
        }
        catch (DirectoryNotFoundException)
        {
            // Also a regular file at the path (ENOTDIR). A missing root lists as empty.
            return isRoot ? names : throw NotFound(path);
        }

        names.Sort(StringComparer.Ordinal);
        var prefix = isRoot ? path : path + "/";
        for (var i = 0; i < names.Count; i++)
        {
            names[i] = string.Concat(prefix, names[i]);
        }

        return names;
    }

    private void Move(string sourcePath, string destinationPath)
    {
        var source = Resolve(sourcePath);
        var destination = ResolveFile(destinationPath);
        if (!File.Exists(source))
        {
            throw NotFound(sourcePath);
        }

        if (string.Equals(source, destination, StringComparison.Ordinal))
        {
            return;
        }

        var sourceDirectory = ParentOf(source);
        var destinationDirectory = ParentOf(destination);
        for (var attempt = 1; ; attempt++)
        {
            EnsureDirectory(destinationPath, destinationDirectory);
            try
            {
                File.Move(source, destination, overwrite: true);
                break;
            }
            catch (IOException exception) when (IsMissingEntry(exception))
            {
                // ENOENT: the source is gone, or a concurrent delete pruned the destination's directory (which
                // .NET may report as a missing source if the directory is back by the time it looks).
                if (!File.Exists(source))
                {
                    PruneEmptyDirectories(destinationDirectory);
                    throw NotFound(sourcePath);
                }

                if (attempt == MaxCreateAttempts)
                {
                    throw;
                }
            }
        }

        DirectorySync.Flush(destinationDirectory);
        if (!string.Equals(sourceDirectory, destinationDirectory, StringComparison.Ordinal))
        {
            DirectorySync.Flush(sourceDirectory);
            PruneEmptyDirectories(sourceDirectory);
        }
    }

    private void Delete(string path)
    {
        var fullPath = Resolve(path);
        if (path.Length == 1)
        {
            DeleteEverything();
            return;
        }

        if (File.Exists(fullPath))
        {
            File.Delete(fullPath);
        }
        else if (Directory.Exists(fullPath))
        {
            Directory.Delete(fullPath, recursive: true);
        }
        else
        {
            throw NotFound(path);
        }

        PruneEmptyDirectories(ParentOf(fullPath));
    }

    /// <summary>Empties the root, keeping the root directory itself; links are removed, not followed.</summary>
    private void DeleteEverything()
    {
        if (!Directory.Exists(_root))
        {
            return;
        }

        var entries = new List<(string Path, bool IsDirectory)>();
        foreach (var entry in new FileSystemEnumerable<(string Path, bool IsDirectory)>(_root, s_entry, s_directChildren))
        {
            entries.Add(entry);
        }

        foreach (var (entryPath, isDirectory) in entries)
        {
            if (isDirectory)
            {
                Directory.Delete(entryPath, recursive: true);
            }
            else
            {
                File.Delete(entryPath);
            }
        }
    }

    /// <summary>
    /// Opens <paramref name="fullPath"/> for writing in <paramref name="directory"/>, creating the directory first
    /// and again if a concurrent delete prunes it before the file exists.
    /// </summary>
    private SafeFileHandle CreateFile(
        string path, string directory, string fullPath, FileMode mode, FileOptions options, long preallocationSize)
    {
        for (var attempt = 1; ; attempt++)
        {
            EnsureDirectory(path, directory);
            try
            {
                return File.OpenHandle(fullPath, mode, FileAccess.Write, Sharing, options, preallocationSize);
            }
            catch (IOException exception) when (IsMissingEntry(exception) && attempt < MaxCreateAttempts)
            {
                // Only the directory can be missing when creating (ENOENT; .NET names it a missing file if the
                // directory is back by the time it looks): pruned between the two calls, so create it again.
            }
            catch (UnauthorizedAccessException exception) when (Directory.Exists(fullPath))
            {
                throw new IOException($"\"{path}\" is a directory", exception);
            }
        }
    }

    /// <summary>
    /// Creates <paramref name="directory"/> and its missing parents, and flushes each new entry into its parent so
    /// that the file about to be renamed or written into it survives a crash.
    /// </summary>
    private void EnsureDirectory(string path, string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        var existingAncestor = ParentOf(directory);
        while (existingAncestor.Length > _root.Length && !Directory.Exists(existingAncestor))
        {
            existingAncestor = ParentOf(existingAncestor);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(directory);
                break;
            }
            catch (DirectoryNotFoundException exception)
            {
                // A parent is a regular file (ENOTDIR), or a concurrent delete pruned a parent mid-way.
                if (attempt == MaxCreateAttempts)
                {
                    throw new IOException($"cannot create the directory of \"{path}\": a parent is a file", exception);
                }
            }
        }

        for (var created = directory; created.Length > existingAncestor.Length; created = ParentOf(created))
        {
            DirectorySync.Flush(ParentOf(created));
        }
    }

    private static bool IsMissingEntry(IOException exception) =>
        exception is FileNotFoundException or DirectoryNotFoundException;

    /// <summary>Whether opening a file failed because no regular file is there (missing, a directory, below a file).</summary>
    private static bool IsMissingFile(Exception exception, string fullPath) => exception switch
    {
        FileNotFoundException or DirectoryNotFoundException => true,
        UnauthorizedAccessException => Directory.Exists(fullPath),
        _ => false,
    };

    /// <summary>Validates a driver path and maps it under the root, refusing reserved names and symbolic links.</summary>
    private string Resolve(string path)
    {
        StoragePath.Validate(path);
        if (path.Contains(ReservedSegment, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"invalid storage path: \"{path}\": segments starting with \"{TemporaryFilePrefix}\" are reserved", nameof(path));
        }

        if (path.Length == 1)
        {
            return _root;
        }

        var fullPath = Path.DirectorySeparatorChar == '/'
            ? string.Concat(_rootPrefix, path)
            : string.Concat(_rootPrefix, path.Replace('/', Path.DirectorySeparatorChar));
        ThrowIfLinked(path, fullPath);
        return fullPath;
    }

    private string ResolveFile(string path)
    {
        StoragePath.ValidateFile(path);
        return Resolve(path);
    }

    /// <summary>Refuses a path whose existing segments below the root include a symbolic link or reparse point.</summary>
    private void ThrowIfLinked(string path, string fullPath)
    {
        for (var end = _rootPrefix.Length + 1; end <= fullPath.Length; end++)
        {
            if (end < fullPath.Length && fullPath[end] != Path.DirectorySeparatorChar)
            {
                continue;
            }

            var attributes = new FileInfo(end == fullPath.Length ? fullPath : fullPath[..end]).Attributes;
            if ((int)attributes == -1)
            {
                // Missing: nothing further down exists either.
                return;
            }

            if ((attributes & FileAttributes.ReparsePoint) != 0)
            {
                throw new UnauthorizedAccessException($"storage path \"{path}\" crosses a symbolic link");
            }
        }
    }
}
