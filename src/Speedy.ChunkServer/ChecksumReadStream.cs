using System.IO.Pipelines;
using Speedy.IO;

namespace Speedy.ChunkServer;

/// <summary>
/// A read-only view of a request body that sums the CRC-32C of what passes through and, for a chained write, copies
/// each piece to the pipe that feeds the next hop, waiting while that hop is behind (so at most the pipe's pause
/// threshold is in memory).
/// </summary>
internal sealed class ChecksumReadStream(Stream source, PipeWriter? copy) : Stream
{
    public uint Crc { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var n = await source.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        if (n > 0)
        {
            Crc = Crc32C.Append(Crc, buffer.Span[..n]);
            if (copy is not null)
            {
                var flushed = await copy.WriteAsync(buffer[..n], cancellationToken).ConfigureAwait(false);
                if (flushed.IsCompleted)
                {
                    throw new NextHopStoppedException();
                }
            }
        }

        return n;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("read asynchronously");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
