namespace Speedy.Storage.Cluster;

/// <summary>
/// Reads a file's bytes [start, end) in order from its segments, fetching the fragment being read and up to
/// <c>readAhead</c> more at once, and never one that starts at or after <c>end</c> (so a Range request touches
/// only the fragments it needs). Each fragment is checked against its CRC-32C before a byte of it is returned.
/// When this process holds the fragments (<see cref="FragmentClient.ReadsLocally"/>) and the caller's buffer takes the
/// whole next fragment, the fragment is read and verified in that buffer, with no buffer of its own and no copy.
/// </summary>
internal sealed class FragmentReadStream : Stream
{
    private readonly FileSegment[] _segments;
    private readonly FragmentClient _client;
    private readonly int _readAhead;
    private readonly long _end;
    private readonly Queue<Fetch> _ahead = new();
    private readonly CancellationTokenSource _stop = new();
    private long _position;
    private int _nextToFetch;
    private Fetch? _current;
    private bool _disposed;

    /// <param name="segments">The file's segments, in order, end to end from offset 0.</param>
    /// <param name="start">The first byte to read.</param>
    /// <param name="end">The byte after the last one to read.</param>
    /// <param name="client">Fetches the fragments.</param>
    /// <param name="readAhead">How many fragments to fetch beyond the one being read.</param>
    public FragmentReadStream(FileSegment[] segments, long start, long end, FragmentClient client, int readAhead)
    {
        _segments = segments;
        _client = client;
        _readAhead = readAhead;
        _end = end;
        _position = start;
        _nextToFetch = FindSegment(segments, start);
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_position >= _end || buffer.IsEmpty)
        {
            return 0;
        }

        if (_current is not { } current || _position >= current.Segment.End)
        {
            if (TakesWholeFragment(buffer.Length) is { } segment)
            {
                _current?.Release();
                _current = null;
                _nextToFetch++;
                await _client.ReadAsync(segment.Fragment.FileId, segment.Fragment.Crc32C, buffer[..segment.Length], cancellationToken).ConfigureAwait(false);
                _position += segment.Length;
                return segment.Length;
            }

            _current?.Release();
            _current = null;
            Fill();
            current = _ahead.Dequeue();
            _current = current;
            Fill();
            using var registration = cancellationToken.Register(static state => ((CancellationTokenSource)state!).Cancel(), _stop);
            await current.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        var data = current.Task.Result;
        var from = (int)(_position - current.Segment.Offset);
        var count = (int)Math.Min(Math.Min(buffer.Length, current.Segment.Length - from), _end - _position);
        data.AsSpan(from, count).CopyTo(buffer.Span);
        _position += count;
        return count;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var fetch in Outstanding())
        {
            try
            {
                await fetch.Task.ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or StorageUnavailableException or FragmentRejectedException)
            {
                // Nobody reads it any more.
            }

            fetch.Release();
        }

        _stop.Dispose();
        await base.DisposeAsync().ConfigureAwait(false);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing && !_disposed)
        {
            _disposed = true;
            _stop.Cancel();
            foreach (var fetch in Outstanding())
            {
                fetch.Task.ContinueWith(_ => fetch.Release(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            }
        }

        base.Dispose(disposing);
    }

    private static int FindSegment(FileSegment[] segments, long offset)
    {
        int low = 0, high = segments.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            if (segments[middle].End <= offset)
            {
                low = middle + 1;
            }
            else if (segments[middle].Offset > offset)
            {
                high = middle - 1;
            }
            else
            {
                return middle;
            }
        }

        return low;
    }

    /// <summary>
    /// The next fragment when it can go straight into a caller's buffer of <paramref name="length"/> bytes: read from
    /// this process's store, not fetched ahead already, starting at the position and wholly wanted.
    /// </summary>
    private FileSegment? TakesWholeFragment(int length)
    {
        if (!_client.ReadsLocally || _ahead.Count > 0 || _nextToFetch >= _segments.Length)
        {
            return null;
        }

        var segment = _segments[_nextToFetch];
        return segment.Data is null && segment.Offset == _position && segment.End <= _end && segment.Length <= length ? segment : null;
    }

    private IEnumerable<Fetch> Outstanding()
    {
        if (_current is { } current)
        {
            yield return current;
        }

        while (_ahead.TryDequeue(out var fetch))
        {
            yield return fetch;
        }

        _current = null;
    }

    /// <summary>
    /// Starts fetching the fragment to read next if none is on its way, and more ahead of it while the driver's
    /// read-ahead budget allows.
    /// </summary>
    private void Fill()
    {
        while (_ahead.Count < 1 + _readAhead && _nextToFetch < _segments.Length && _segments[_nextToFetch].Offset < _end)
        {
            var segment = _segments[_nextToFetch];
            var ahead = (_current is not null || _ahead.Count > 0) && segment.Data is null;
            if (ahead && !_client.TryReserveReadAhead(segment.Length))
            {
                return;
            }

            _nextToFetch++;
            _ahead.Enqueue(Fetch.Start(segment, _client, ahead, _stop.Token));
        }
    }

    /// <summary>
    /// One fragment on its way in; a pooled buffer unless the bytes were already in memory, and a share of the
    /// read-ahead budget when it was fetched ahead.
    /// </summary>
    private sealed class Fetch
    {
        private readonly FragmentClient? _client;
        private readonly bool _ahead;
        private bool _released;

        private Fetch(FileSegment segment, Task<byte[]> task, FragmentClient? client, bool ahead)
        {
            Segment = segment;
            Task = task;
            _client = client;
            _ahead = ahead;
        }

        public FileSegment Segment { get; }

        public Task<byte[]> Task { get; }

        public static Fetch Start(FileSegment segment, FragmentClient client, bool ahead, CancellationToken cancellationToken)
        {
            if (segment.Data is { } data)
            {
                return new Fetch(segment, System.Threading.Tasks.Task.FromResult(data), null, ahead: false);
            }

            // On the thread pool: a local source reads synchronously, and the fetches ahead must overlap the
            // caller's writing of the current one, not precede it.
            return new Fetch(segment, System.Threading.Tasks.Task.Run(() => FetchAsync(segment, client, cancellationToken), CancellationToken.None), client, ahead);
        }

        /// <summary>Returns the buffer (once the fetch has one) and the read-ahead share; once only.</summary>
        public void Release()
        {
            if (_released || _client is null || !Task.IsCompleted)
            {
                return;
            }

            _released = true;
            if (Task.IsCompletedSuccessfully)
            {
                _client.Buffers.Return(Task.Result);
            }

            if (_ahead)
            {
                _client.ReleaseReadAhead(Segment.Length);
            }
        }

        private static async Task<byte[]> FetchAsync(FileSegment segment, FragmentClient client, CancellationToken cancellationToken)
        {
            var buffer = client.Buffers.Rent(segment.Length);
            try
            {
                await client.ReadAsync(segment.Fragment.FileId, segment.Fragment.Crc32C, buffer.AsMemory(0, segment.Length), cancellationToken)
                    .ConfigureAwait(false);
                return buffer;
            }
            catch
            {
                client.Buffers.Return(buffer);
                throw;
            }
        }
    }
}
