using System.Buffers;
using Speedy.MetaServer;

namespace Speedy.Storage.Cluster;

/// <summary>
/// Appends to one file of the cluster: bytes gather in a fragment-sized buffer; a full buffer (or a flush) becomes
/// the next fragment, uploaded in the background (at most <see cref="ClusterStorageOptions.UploadConcurrency"/> at
/// once, each retried with backoff) and then recorded in the meta server with its index and offset. A fragment
/// that cannot be stored fails the writer: every later call throws <see cref="StorageUnavailableException"/>.
/// </summary>
internal sealed class ClusterStorageWriter : IStorageWriter
{
    private readonly ClusterStorageDriver _driver;
    private readonly ClusterStorageOptions _options;
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _abort = new();
    private readonly Lock _sync = new();
    private readonly List<Piece> _inFlight = [];
    private byte[]? _buffer;
    private int _buffered;
    private long _bufferOffset;
    private long _size;
    private int _nextIndex;
    private Exception? _failure;
    private State _state;
    private volatile bool _detached;
    private volatile string _path;

    public ClusterStorageWriter(ClusterStorageDriver driver, string path)
    {
        _driver = driver;
        _options = driver.Options;
        _path = path;
        _slots = new SemaphoreSlim(_options.UploadConcurrency, _options.UploadConcurrency);
    }

    private enum State
    {
        Open,
        Committed,
        Cancelled,
        Disposed,
    }

    /// <summary>The path of the file this writer appends to (it follows the file when it is moved).</summary>
    public string Path => _path;

    public long Size => Interlocked.Read(ref _size);

    /// <summary>Creates the file (empty) or, appending, continues after its recorded fragments.</summary>
    public async ValueTask OpenAsync(bool append, CancellationToken cancellationToken)
    {
        var entry = append ? await ClusterStorageDriver.MetaAsync(() => _driver.Meta.GetAsync(_path, cancellationToken)) : null;
        if (entry is null)
        {
            await PutAsync(MetaEntry.Fragmented(0, []), cancellationToken);
            return;
        }

        if (entry.IsInline)
        {
            // A small file written whole becomes the first fragment of the longer one.
            var content = entry.Content;
            MetaFragment[] first = [];
            if (!content.IsEmpty)
            {
                var stored = await _driver.Fragments.UploadAsync(content, 0, 0, cancellationToken);
                first = [new MetaFragment(0, 0, content.Length, stored.Fid, stored.Crc)];
            }

            await PutAsync(MetaEntry.Fragmented(content.Length, first), cancellationToken);
            Resume(first);
            return;
        }

        if (!entry.IsComplete)
        {
            // A writer that died with fragments in flight left gaps: what follows the first gap was never
            // acknowledged (a flush waits for every fragment), so the upload continues after the contiguous part.
            var contiguous = entry.Fragments.TakeWhile((fragment, i) => fragment.Index == i && (i == 0 ? fragment.Offset == 0 : fragment.Offset == entry.Fragments[i - 1].End)).ToArray();
            await PutAsync(MetaEntry.Fragmented(contiguous.Length == 0 ? 0 : contiguous[^1].End, contiguous), cancellationToken);
            Resume(contiguous);
            return;
        }

        Resume(entry.Fragments);
    }

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        while (!buffer.IsEmpty)
        {
            int count;
            lock (_sync)
            {
                _buffer ??= ArrayPool<byte>.Shared.Rent(_options.FragmentBytes);
                count = Math.Min(buffer.Length, _options.FragmentBytes - _buffered);
                buffer.Span[..count].CopyTo(_buffer.AsSpan(_buffered));
                _buffered += count;
                Interlocked.Add(ref _size, count);
            }

            buffer = buffer[count..];
            if (_buffered == _options.FragmentBytes)
            {
                await DispatchAsync(cancellationToken);
            }
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        ThrowIfUnusable();
        if (_buffered > 0)
        {
            await DispatchAsync(cancellationToken);
        }

        await DrainAsync();
        ThrowIfFailed();
    }

    public async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        await FlushAsync(cancellationToken);
        _state = State.Committed;
        _driver.Release(this);
    }

    public async ValueTask CancelAsync(CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        _state = State.Cancelled;
        await _abort.CancelAsync();
        await DrainAsync();
        ReturnBuffer();
        try
        {
            if (!_detached)
            {
                await ClusterStorageDriver.MetaAsync(() => _driver.Meta.DeleteAsync(_path, cancellationToken));
            }
        }
        finally
        {
            _driver.Release(this);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_state == State.Open && !_detached && _failure is null)
        {
            try
            {
                await FlushAsync(CancellationToken.None);
            }
            catch (StorageUnavailableException)
            {
                // What was recorded stays resumable; the caller saw (or will see) the failure on its own flush.
            }
        }

        if (_state != State.Disposed)
        {
            _state = _state == State.Open ? State.Disposed : _state;
            await _abort.CancelAsync();
            await DrainAsync();
            ReturnBuffer();
            _driver.Release(this);
            _abort.Dispose();
            _slots.Dispose();
            _state = State.Disposed;
        }
    }

    /// <summary>Waits until no fragment of this writer is in flight (each either recorded or failed).</summary>
    public async ValueTask DrainAsync()
    {
        Task[] tasks;
        lock (_sync)
        {
            tasks = [.. _inFlight.Select(piece => piece.Task!)];
        }

        foreach (var task in tasks)
        {
            await task.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    /// <summary>The file was deleted (or replaced by a move): the writer's bytes go nowhere from now on.</summary>
    public void Detach() => _detached = true;

    /// <summary>The file was moved: the writer records its fragments at the new path.</summary>
    public void MovedTo(string path) => _path = path;

    /// <summary>Copies of the bytes this writer holds that a reader may not find in the meta server yet.</summary>
    public List<FileSegment> PendingSegments()
    {
        lock (_sync)
        {
            var segments = new List<FileSegment>(_inFlight.Count + 1);
            foreach (var piece in _inFlight)
            {
                segments.Add(FileSegment.Pending(piece.Offset, piece.Buffer.AsSpan(0, piece.Length).ToArray()));
            }

            if (_buffered > 0)
            {
                segments.Add(FileSegment.Pending(_bufferOffset, _buffer.AsSpan(0, _buffered).ToArray()));
            }

            return segments;
        }
    }

    private void Resume(IReadOnlyList<MetaFragment> fragments)
    {
        _nextIndex = fragments.Count;
        _bufferOffset = fragments.Count == 0 ? 0 : fragments[^1].End;
        _size = _bufferOffset;
    }

    private ValueTask PutAsync(MetaEntry entry, CancellationToken cancellationToken) =>
        ClusterStorageDriver.MetaAsync(() => _driver.Meta.PutAsync(_path, entry, cancellationToken));

    /// <summary>Turns the buffer into the next fragment and starts its upload once a slot is free.</summary>
    private async ValueTask DispatchAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        Piece piece;
        lock (_sync)
        {
            piece = new Piece(_nextIndex++, _bufferOffset, _buffer!, _buffered);
            _inFlight.Add(piece);
            _bufferOffset += _buffered;
            _buffer = null;
            _buffered = 0;
            piece.Task = Task.Run(() => UploadAsync(piece), CancellationToken.None);
        }
    }

    private async Task UploadAsync(Piece piece)
    {
        try
        {
            var data = piece.Buffer.AsMemory(0, piece.Length);
            var stored = await _driver.Fragments.UploadAsync(data, piece.Index, piece.Offset, _abort.Token);
            var fragment = new MetaFragment(piece.Index, piece.Offset, piece.Length, stored.Fid, stored.Crc);
            await RecordAsync(fragment);
        }
        catch (Exception ex)
        {
            Interlocked.CompareExchange(ref _failure, ex, null);
        }
        finally
        {
            lock (_sync)
            {
                _inFlight.Remove(piece);
            }

            ArrayPool<byte>.Shared.Return(piece.Buffer);
            _slots.Release();
        }
    }

    /// <summary>Records a stored fragment at the file's current path, retrying while no meta server answers.</summary>
    private async Task RecordAsync(MetaFragment fragment)
    {
        for (var attempt = 0; ; attempt++)
        {
            if (_detached)
            {
                return;
            }

            try
            {
                await _driver.Meta.AppendFragmentsAsync(_path, [fragment], _abort.Token);
                return;
            }
            catch (Exception ex) when (ClusterStorageDriver.IsUnavailable(ex) && attempt + 1 < _options.Attempts)
            {
                await Task.Delay(_options.DelayBeforeRetry(attempt + 1), _abort.Token);
            }
            catch (Exception ex) when (ClusterStorageDriver.IsUnavailable(ex))
            {
                throw ClusterStorageDriver.Unavailable(ex);
            }
        }
    }

    private void ReturnBuffer()
    {
        lock (_sync)
        {
            if (_buffer is not null)
            {
                ArrayPool<byte>.Shared.Return(_buffer);
                _buffer = null;
                _buffered = 0;
            }
        }
    }

    private void ThrowIfClosed()
    {
        if (_state != State.Open)
        {
            throw new InvalidOperationException($"the writer of \"{_path}\" is {_state.ToString().ToLowerInvariant()}");
        }
    }

    private void ThrowIfUnusable()
    {
        ThrowIfClosed();
        ThrowIfFailed();
    }

    private void ThrowIfFailed()
    {
        if (_failure is { } failure)
        {
            throw failure as StorageUnavailableException
                ?? new StorageUnavailableException($"a fragment of \"{_path}\" could not be stored: {failure.Message}", failure);
        }
    }

    /// <summary>One fragment on its way to the cluster.</summary>
    private sealed class Piece(int index, long offset, byte[] buffer, int length)
    {
        public int Index { get; } = index;

        public long Offset { get; } = offset;

        public byte[] Buffer { get; } = buffer;

        public int Length { get; } = length;

        public Task? Task { get; set; }
    }
}
