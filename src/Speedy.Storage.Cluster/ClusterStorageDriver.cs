using System.Data.Common;
using Speedy.MetaServer;

namespace Speedy.Storage.Cluster;

/// <summary>
/// The <c>speedy</c> storage driver: the registry's files in the Speedy cluster. The namespace (directories, file
/// sizes, moves) lives in the meta servers; a small file is kept there inline, a large one is cut into fragments
/// that the image servers store on every member of a chunk-server group, and the meta server records each
/// fragment's index, offset, length, file id and CRC-32C.
/// </summary>
/// <remarks>
/// <para>
/// Writers cut the stream into fragments of <see cref="ClusterStorageOptions.FragmentBytes"/> and upload up to
/// <see cref="ClusterStorageOptions.UploadConcurrency"/> at once; each fragment is recorded in the meta server as
/// soon as it is stored, so an upload survives the registry's restart and another registry can resume it. Moving a
/// file is one meta-server rename: no byte is copied. Readers fetch the fragment being read and
/// <see cref="ClusterStorageOptions.ReadAhead"/> more at once, and check every fragment's CRC.
/// </para>
/// <para>
/// Writers are exclusive per path within this process, and an open writer's bytes are visible to this process's
/// readers as they are written. Between processes, bytes become visible once a writer flushes or is closed, and
/// exclusivity is not enforced: the registry's upload sessions detect a session written by two requests at once by
/// comparing what is stored with what was hashed.
/// </para>
/// </remarks>
public sealed class ClusterStorageDriver : IStorageDriver, IAsyncDisposable
{
    private const string Root = "/";
    private const int ListPageSize = 1000;

    private readonly IMetaStore _meta;
    private readonly bool _ownsMeta;
    private readonly Dictionary<string, ClusterStorageWriter> _writers = new(StringComparer.Ordinal);
    private readonly Lock _writersLock = new();

    /// <summary>A driver over the meta and image servers <paramref name="options"/> names.</summary>
    /// <exception cref="ArgumentException">The options are out of range.</exception>
    /// <param name="options">The meta and image servers, and how files are cut and fetched.</param>
    /// <param name="local">A shorter way to fragments this process holds, asked before the image servers.</param>
    /// <param name="meta">
    /// The meta store itself when it runs in this process (<c>speedy server</c>), used instead of the meta servers over
    /// HTTP; the driver does not dispose it.
    /// </param>
    public ClusterStorageDriver(ClusterStorageOptions options, ILocalFragmentSource? local = null, IMetaStore? meta = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Options = options;
        _ownsMeta = meta is null;
        _meta = meta ?? new MetaClient(new MetaClientOptions { Servers = [.. options.MetaServers.Select(url => new Uri(url))] });
        Fragments = new FragmentClient(options, local);
    }

    public string Name => "speedy";

    /// <summary>A fragment: given a buffer that large, a reader of this process's own store verifies a fragment in place.</summary>
    public int PreferredReadSize => Options.FragmentBytes;

    /// <summary>Fragment requests retried so far (after a failed attempt), for tests and metrics.</summary>
    public long FragmentRetries => Fragments.Retries;

    internal ClusterStorageOptions Options { get; }

    internal IMetaStore Meta => _meta;

    internal FragmentClient Fragments { get; }

    public async ValueTask<byte[]> GetContentAsync(string path, CancellationToken cancellationToken)
    {
        StoragePath.Validate(path);
        var (segments, size) = await SnapshotAsync(path, cancellationToken);
        if (segments is null)
        {
            throw new StoragePathNotFoundException(path);
        }

        var content = new byte[size];
        await using var stream = new FragmentReadStream(segments, 0, size, Fragments, Options.ReadAhead);
        await stream.ReadExactlyAsync(content, cancellationToken);
        return content;
    }

    public async ValueTask PutContentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        StoragePath.ValidateFile(path);
        cancellationToken.ThrowIfCancellationRequested();
        if (content.Length <= MetaLimits.MaxInlineLength)
        {
            await MetaAsync(() => _meta.PutAsync(path, MetaEntry.Inline(content.Span), cancellationToken));
            return;
        }

        var fragments = new MetaFragment[(content.Length + Options.FragmentBytes - 1) / Options.FragmentBytes];
        await Parallel.ForAsync(
            0,
            fragments.Length,
            new ParallelOptions { MaxDegreeOfParallelism = Options.UploadConcurrency, CancellationToken = cancellationToken },
            async (index, token) =>
            {
                var offset = (long)index * Options.FragmentBytes;
                var piece = content.Slice((int)offset, Math.Min(Options.FragmentBytes, content.Length - (int)offset));
                var stored = await Fragments.UploadAsync(piece, index, offset, token);
                fragments[index] = new MetaFragment(index, offset, piece.Length, stored.Fid, stored.Crc);
            });
        await MetaAsync(() => _meta.PutAsync(path, MetaEntry.Fragmented(content.Length, fragments), cancellationToken));
    }

    public ValueTask<Stream> ReaderAsync(string path, long offset, CancellationToken cancellationToken) =>
        ReaderAsync(path, offset, long.MaxValue, cancellationToken);

    /// <summary>
    /// Opens a stream of at most <paramref name="length"/> bytes from <paramref name="offset"/>: only the fragments
    /// that hold them are fetched.
    /// </summary>
    public async ValueTask<Stream> ReaderAsync(string path, long offset, long length, CancellationToken cancellationToken)
    {
        StoragePath.Validate(path);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var (segments, size) = await SnapshotAsync(path, cancellationToken);
        if (segments is null)
        {
            throw new StoragePathNotFoundException(path);
        }

        if (offset > size)
        {
            throw new ArgumentOutOfRangeException(nameof(offset), offset, $"beyond the end of \"{path}\" ({size} bytes)");
        }

        var end = offset + Math.Min(length, size - offset);
        return new FragmentReadStream(segments, offset, end, Fragments, Options.ReadAhead);
    }

    public async ValueTask<IStorageWriter> WriterAsync(string path, bool append, CancellationToken cancellationToken)
    {
        StoragePath.ValidateFile(path);
        cancellationToken.ThrowIfCancellationRequested();
        var writer = new ClusterStorageWriter(this, path);
        lock (_writersLock)
        {
            if (!_writers.TryAdd(path, writer))
            {
                throw new StorageWriterBusyException(path);
            }
        }

        try
        {
            await writer.OpenAsync(append, cancellationToken);
            return writer;
        }
        catch
        {
            Release(writer);
            throw;
        }
    }

    public async ValueTask<StorageFileInfo> StatAsync(string path, CancellationToken cancellationToken)
    {
        StoragePath.Validate(path);
        var info = await MetaAsync(() => _meta.StatAsync(path, cancellationToken))
            ?? throw new StoragePathNotFoundException(path);
        var size = info.Size;
        if (!info.IsDirectory && OpenWriter(path) is { } writer)
        {
            size = writer.Size;
        }

        return new StorageFileInfo(path, size, info.ModifiedAt, info.IsDirectory);
    }

    public async ValueTask<IReadOnlyList<string>> ListAsync(string path, CancellationToken cancellationToken)
    {
        StoragePath.Validate(path);
        var children = new List<string>();
        var prefix = path == Root ? Root : path + "/";
        string? after = null;
        while (true)
        {
            var page = await MetaAsync(() => _meta.ListAsync(path, after, ListPageSize, cancellationToken));
            foreach (var name in page)
            {
                children.Add(prefix + name);
            }

            if (page.Count < ListPageSize)
            {
                break;
            }

            after = page[^1];
        }

        if (children.Count == 0 && path != Root)
        {
            throw new StoragePathNotFoundException(path);
        }

        return children;
    }

    public async ValueTask MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        StoragePath.ValidateFile(sourcePath);
        StoragePath.ValidateFile(destinationPath);
        var writer = OpenWriter(sourcePath);
        if (writer is not null)
        {
            await writer.DrainAsync();
        }

        if (!await MetaAsync(() => _meta.MoveAsync(sourcePath, destinationPath, cancellationToken)))
        {
            throw new StoragePathNotFoundException(sourcePath);
        }

        if (writer is null || sourcePath == destinationPath)
        {
            return;
        }

        lock (_writersLock)
        {
            // The writer follows its file; a writer on the destination now has no file.
            if (_writers.Remove(destinationPath, out var replaced))
            {
                replaced.Detach();
            }

            if (_writers.Remove(sourcePath, out var moved))
            {
                moved.MovedTo(destinationPath);
                _writers[destinationPath] = moved;
            }
        }
    }

    public async ValueTask DeleteAsync(string path, CancellationToken cancellationToken)
    {
        StoragePath.Validate(path);
        var below = path == Root ? Root : path + "/";
        List<ClusterStorageWriter> detached = [];
        lock (_writersLock)
        {
            foreach (var (writerPath, writer) in _writers)
            {
                if (writerPath == path || writerPath.StartsWith(below, StringComparison.Ordinal))
                {
                    detached.Add(writer);
                }
            }
        }

        foreach (var writer in detached)
        {
            writer.Detach();
            await writer.DrainAsync();
            Release(writer);
        }

        if (!await MetaAsync(() => _meta.DeleteAsync(path, cancellationToken)))
        {
            throw new StoragePathNotFoundException(path);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Fragments.Dispose();
        if (_ownsMeta)
        {
            await _meta.DisposeAsync();
        }
    }

    /// <summary>
    /// Runs a meta-store call, turning "no meta server answered" (or, in process, a failing database) into the storage
    /// seam's error.
    /// </summary>
    internal static async ValueTask<T> MetaAsync<T>(Func<ValueTask<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    internal static async ValueTask MetaAsync(Func<ValueTask> call)
    {
        try
        {
            await call();
        }
        catch (Exception ex) when (IsUnavailable(ex))
        {
            throw Unavailable(ex);
        }
    }

    /// <summary>No meta server answered, or the in-process store's database failed: worth retrying later.</summary>
    internal static bool IsUnavailable(Exception ex) => ex is MetaServerUnavailableException or DbException;

    /// <summary>The storage seam's error for "no meta server answered".</summary>
    internal static StorageUnavailableException Unavailable(Exception ex) =>
        new("the meta server is unavailable: " + ex.Message, ex);

    /// <summary>Forgets <paramref name="writer"/>'s claim on its path, if it still holds it.</summary>
    internal void Release(ClusterStorageWriter writer)
    {
        lock (_writersLock)
        {
            if (_writers.TryGetValue(writer.Path, out var holder) && ReferenceEquals(holder, writer))
            {
                _writers.Remove(writer.Path);
            }
        }
    }

    private ClusterStorageWriter? OpenWriter(string path)
    {
        lock (_writersLock)
        {
            return _writers.GetValueOrDefault(path);
        }
    }

    /// <summary>
    /// The segments of the file at <paramref name="path"/> and its size, or null segments when there is no file:
    /// its recorded fragments (or inline content), and, while a writer of this process is open on it, the bytes that
    /// writer holds. The writer is asked first, so a fragment it records meanwhile is seen in one of the two.
    /// </summary>
    private async ValueTask<(FileSegment[]? Segments, long Size)> SnapshotAsync(string path, CancellationToken cancellationToken)
    {
        if (path == Root)
        {
            return (null, 0);
        }

        var pending = OpenWriter(path)?.PendingSegments();
        var entry = await MetaAsync(() => _meta.GetAsync(path, cancellationToken));
        if (entry is null)
        {
            return (null, 0);
        }

        if (entry.IsInline)
        {
            return entry.Size == 0 ? ([], 0) : ([FileSegment.Pending(0, entry.Content.ToArray())], entry.Size);
        }

        var byOffset = new Dictionary<long, FileSegment>();
        foreach (var fragment in entry.Fragments)
        {
            byOffset[fragment.Offset] = FileSegment.Stored(fragment);
        }

        foreach (var segment in pending ?? [])
        {
            byOffset[segment.Offset] = segment;
        }

        var segments = new List<FileSegment>(byOffset.Count);
        long end = 0;
        while (byOffset.TryGetValue(end, out var next))
        {
            segments.Add(next);
            end = next.End;
        }

        return ([.. segments], end);
    }
}
