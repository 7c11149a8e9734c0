namespace Speedy.Volume.CrashWriter;

/// <summary>
/// A read-only stream over a buffer that hands out at most 16 KiB per read and yields the thread before each, as a
/// network body does: a needle streamed from it is written over many writes, so a kill can land inside it.
/// <paramref name="afterFirstPiece"/>, if given, is awaited before the second piece (the crash test stalls there).
/// </summary>
public sealed class TricklingStream(ReadOnlyMemory<byte> data, Func<Task>? afterFirstPiece = null) : Stream
{
    public const int Piece = 16 * 1024;
    private int _position;
    private int _reads;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => data.Length;

    public override long Position
    {
        get => _position;
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        await Task.Yield();
        if (++_reads == 2 && afterFirstPiece is not null)
        {
            await afterFirstPiece();
        }

        var count = Math.Min(Math.Min(buffer.Length, Piece), data.Length - _position);
        data.Slice(_position, count).CopyTo(buffer);
        _position += count;
        return count;
    }

    public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
