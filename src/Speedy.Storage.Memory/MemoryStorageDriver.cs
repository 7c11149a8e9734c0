namespace Speedy.Storage.Memory;

/// <summary>
/// A storage driver that keeps everything in memory, for tests and single-process development. It keeps the same
/// contract as the filesystem driver: directories are implied by the files under them, a file cannot sit where a
/// directory is (or below another file), and a writer's bytes are visible at the path as they are written.
/// </summary>
/// <remarks>
/// A writer belongs to the <see cref="MemoryFile"/> it opened, as a filesystem writer's lock belongs to the file
/// it opened: a second writer on a path fails while the file there has one, and once the file is moved or deleted
/// the path is free again.
/// One lock guards the tree; it is held only to look up or link entries and to copy a write in. Readers get a
/// snapshot of a file's array and length without copying (see <see cref="MemoryFile"/>), so a reader opened
/// before an overwrite keeps reading the old content. A file is limited to <see cref="Array.MaxLength"/> bytes.
/// </remarks>
public sealed class MemoryStorageDriver : IStorageDriver
{
    private const string Root = "/";

    private readonly Lock _lock = new();
    private readonly TimeProvider _timeProvider;
    private readonly Dictionary<string, MemoryFile> _files = new(StringComparer.Ordinal);
    private readonly Dictionary<string, MemoryDirectory> _directories = new(StringComparer.Ordinal);

    public MemoryStorageDriver()
        : this(TimeProvider.System)
    {
    }

    /// <summary>Stamps modification times from <paramref name="timeProvider"/>.</summary>
    public MemoryStorageDriver(TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        _timeProvider = timeProvider;
        _directories.Add(Root, new MemoryDirectory(timeProvider.GetUtcNow()));
    }

    public string Name => "memory";

    public ValueTask<byte[]> GetContentAsync(string path, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled<byte[]>(cancellationToken);
        }

        try
        {
            StoragePath.Validate(path);
            var (data, length) = Snapshot(path);
            return ValueTask.FromResult(data.AsSpan(0, length).ToArray());
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
            StoragePath.ValidateFile(path);
            var file = new MemoryFile(content.ToArray(), _timeProvider.GetUtcNow());
            lock (_lock)
            {
                Link(path, file);
            }

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
            StoragePath.Validate(path);
            ArgumentOutOfRangeException.ThrowIfNegative(offset);
            var (data, length) = Snapshot(path);
            if (offset > length)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, $"beyond the end of \"{path}\" ({length} bytes)");
            }

            var start = (int)offset;
            return ValueTask.FromResult<Stream>(new MemoryStream(data, start, length - start, writable: false));
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
            StoragePath.ValidateFile(path);
            MemoryFile file;
            lock (_lock)
            {
                _files.TryGetValue(path, out var existing);
                if (existing is { HasWriter: true })
                {
                    throw new StorageWriterBusyException(path);
                }

                if (append && existing is not null)
                {
                    file = existing;
                }
                else
                {
                    file = new MemoryFile([], _timeProvider.GetUtcNow());
                    Link(path, file);
                }

                file.HasWriter = true;
            }

            return ValueTask.FromResult<IStorageWriter>(new MemoryStorageWriter(this, path, file, file.Length));
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
            StoragePath.Validate(path);
            lock (_lock)
            {
                if (_files.TryGetValue(path, out var file))
                {
                    return ValueTask.FromResult(new StorageFileInfo(path, file.Length, file.ModifiedAt, IsDirectory: false));
                }

                if (_directories.TryGetValue(path, out var directory))
                {
                    return ValueTask.FromResult(new StorageFileInfo(path, 0, directory.ModifiedAt, IsDirectory: true));
                }
            }

            throw new StoragePathNotFoundException(path);
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
            StoragePath.Validate(path);
            var prefix = path.Length == 1 ? path : path + "/";
            lock (_lock)
            {
                if (!_directories.TryGetValue(path, out var directory))
                {
                    throw new StoragePathNotFoundException(path);
                }

                var children = new string[directory.Children.Count];
                var i = 0;
                foreach (var name in directory.Children)
                {
                    children[i++] = string.Concat(prefix, name);
                }

                return ValueTask.FromResult<IReadOnlyList<string>>(children);
            }
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
            StoragePath.Validate(sourcePath);
            StoragePath.ValidateFile(destinationPath);
            lock (_lock)
            {
                if (!_files.TryGetValue(sourcePath, out var file))
                {
                    throw new StoragePathNotFoundException(sourcePath);
                }

                if (!string.Equals(sourcePath, destinationPath, StringComparison.Ordinal))
                {
                    Link(destinationPath, file);
                    _files.Remove(sourcePath);
                    Unlink(sourcePath, _timeProvider.GetUtcNow());
                }
            }

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
            StoragePath.Validate(path);
            lock (_lock)
            {
                var now = _timeProvider.GetUtcNow();
                if (_files.Remove(path))
                {
                    Unlink(path, now);
                }
                else if (path.Length == 1)
                {
                    _files.Clear();
                    _directories.Clear();
                    _directories.Add(Root, new MemoryDirectory(now));
                }
                else if (_directories.Remove(path, out var directory))
                {
                    RemoveTree(path, directory);
                    Unlink(path, now);
                }
                else
                {
                    throw new StoragePathNotFoundException(path);
                }
            }

            return ValueTask.CompletedTask;
        }
        catch (Exception exception)
        {
            return ValueTask.FromException(exception);
        }
    }

    /// <summary>Appends to a writer's file.</summary>
    internal void Append(MemoryFile file, ReadOnlySpan<byte> bytes)
    {
        lock (_lock)
        {
            file.Append(bytes, _timeProvider.GetUtcNow());
        }
    }

    /// <summary>
    /// Removes a cancelled writer's <paramref name="file"/> from <paramref name="path"/>, if it is still there, and
    /// releases the writer.
    /// </summary>
    internal void Discard(string path, MemoryFile file)
    {
        lock (_lock)
        {
            file.HasWriter = false;
            if (_files.TryGetValue(path, out var current) && ReferenceEquals(current, file))
            {
                _files.Remove(path);
                Unlink(path, _timeProvider.GetUtcNow());
            }
        }
    }

    /// <summary>Releases a committed or disposed writer's <paramref name="file"/> for the next writer.</summary>
    internal void Release(MemoryFile file)
    {
        lock (_lock)
        {
            file.HasWriter = false;
        }
    }

    private static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash == 0 ? Root : path[..slash];
    }

    /// <summary>The bytes of the file at <paramref name="path"/> as they are now.</summary>
    private (byte[] Data, int Length) Snapshot(string path)
    {
        lock (_lock)
        {
            return _files.TryGetValue(path, out var file)
                ? (file.Data, file.Length)
                : throw new StoragePathNotFoundException(path);
        }
    }

    /// <summary>
    /// Puts <paramref name="file"/> at <paramref name="path"/>, replacing a file there and creating the parent
    /// directories. Checks everything before changing anything, so a failure leaves the tree as it was.
    /// </summary>
    /// <exception cref="IOException">A directory is at the path, or a file is at one of its parents.</exception>
    private void Link(string path, MemoryFile file)
    {
        if (_directories.ContainsKey(path))
        {
            throw new IOException($"\"{path}\" is a directory");
        }

        for (var slash = path.IndexOf('/', 1); slash > 0; slash = path.IndexOf('/', slash + 1))
        {
            if (_files.ContainsKey(path[..slash]))
            {
                throw new IOException($"cannot create \"{path}\": \"{path[..slash]}\" is a file");
            }
        }

        var now = _timeProvider.GetUtcNow();
        _files[path] = file;
        AddToParent(path, now);
    }

    private void AddToParent(string path, DateTimeOffset now)
    {
        var parentPath = ParentOf(path);
        if (!_directories.TryGetValue(parentPath, out var parent))
        {
            parent = new MemoryDirectory(now);
            _directories.Add(parentPath, parent);
            AddToParent(parentPath, now);
        }

        if (parent.Children.Add(path[(path.LastIndexOf('/') + 1)..]))
        {
            parent.ModifiedAt = now;
        }
    }

    /// <summary>Removes a deleted entry's name from its parent, and each parent that is left empty (but not the root).</summary>
    private void Unlink(string path, DateTimeOffset now)
    {
        var parentPath = ParentOf(path);
        var parent = _directories[parentPath];
        parent.Children.Remove(path[(path.LastIndexOf('/') + 1)..]);
        parent.ModifiedAt = now;
        if (parent.Children.Count == 0 && parentPath.Length > 1)
        {
            _directories.Remove(parentPath);
            Unlink(parentPath, now);
        }
    }

    /// <summary>Forgets every file and directory below an already removed directory.</summary>
    private void RemoveTree(string path, MemoryDirectory directory)
    {
        foreach (var name in directory.Children)
        {
            var childPath = string.Concat(path, "/", name);
            if (!_files.Remove(childPath) && _directories.Remove(childPath, out var child))
            {
                RemoveTree(childPath, child);
            }
        }
    }
}
