using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Speedy.IO;
using Speedy.Volume.Format;

namespace Speedy.Volume.IO;

/// <summary>
/// Walks the records of a data file between two offsets with large sequential reads, checking each one's header,
/// data checksum and padding. Records bigger than its buffer are checked piece by piece. Used by recovery,
/// compaction and scrub.
/// </summary>
internal sealed class RecordScanner : IDisposable
{
    public const int DefaultBufferSize = 1 << 20;

    private readonly SafeFileHandle _handle;
    private readonly long _end;
    private byte[] _buffer;
    private long _bufferStart;
    private int _bufferLength;

    public RecordScanner(SafeFileHandle handle, long start, long end, int bufferSize = DefaultBufferSize)
    {
        _handle = handle;
        _end = end;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        Position = start;
    }

    /// <summary>Where the next record starts; after a failed check, where the failed record starts.</summary>
    public long Position { get; private set; }

    /// <summary>The header of the record last returned <see cref="RecordCheck.Valid"/> or <see cref="RecordCheck.BadData"/>.</summary>
    public NeedleHeader Header { get; private set; }

    /// <summary>The offset of that record.</summary>
    public long RecordOffset { get; private set; }

    /// <summary>
    /// Checks the record at <see cref="Position"/>; false at the end. A valid record moves past it; a failed one
    /// stays put (see <see cref="Skip"/>).
    /// </summary>
    public bool TryNext(out RecordCheck check)
    {
        check = RecordCheck.Valid;
        if (Position >= _end)
        {
            return false;
        }

        var header = Window(Position, NeedleHeader.Size);
        if (header.Length < NeedleHeader.Size)
        {
            check = RecordCheck.Truncated;
            return true;
        }

        if (!NeedleHeader.TryRead(header, out var parsed))
        {
            check = RecordCheck.BadHeader;
            return true;
        }

        Header = parsed;
        RecordOffset = Position;
        if (Position + parsed.RecordLength > _end)
        {
            check = RecordCheck.Truncated;
            return true;
        }

        if (parsed.Kind != NeedleKind.Filler && !DataIsValid(Position, parsed.DataLength))
        {
            check = RecordCheck.BadData;
            return true;
        }

        Position += parsed.RecordLength;
        return true;
    }

    /// <summary>Moves past a record whose header was valid but whose data failed (scrub goes on after it).</summary>
    public void Skip() => Position = RecordOffset + Header.RecordLength;

    /// <summary>Copies the record last returned valid to <paramref name="destination"/> at <paramref name="offset"/>.</summary>
    public void CopyRecord(DataFile destination, long offset)
    {
        var remaining = Header.RecordLength;
        var source = RecordOffset;
        while (remaining > 0)
        {
            var piece = Window(source, (int)Math.Min(remaining, _buffer.Length));
            if (piece.IsEmpty)
            {
                throw new EndOfStreamException($"The data file ended inside the record at offset {RecordOffset}.");
            }

            destination.Write(piece, offset);
            source += piece.Length;
            offset += piece.Length;
            remaining -= piece.Length;
        }
    }

    public void Dispose()
    {
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = [];
    }

    private bool DataIsValid(long recordOffset, uint dataLength)
    {
        uint checksum = 0;
        var position = recordOffset + NeedleHeader.Size;
        long remaining = dataLength;
        while (remaining > 0)
        {
            var piece = Window(position, (int)Math.Min(remaining, _buffer.Length));
            if (piece.IsEmpty)
            {
                return false;
            }

            checksum = Crc32C.Append(checksum, piece);
            position += piece.Length;
            remaining -= piece.Length;
        }

        var trailerLength = NeedleRecord.TrailerAndPadding(dataLength);
        var trailer = Window(position, trailerLength);
        return trailer.Length == trailerLength && NeedleRecord.CheckTrailer(checksum, trailer);
    }

    /// <summary>Up to <paramref name="count"/> bytes at <paramref name="offset"/>, refilling the buffer from there if needed.</summary>
    private ReadOnlySpan<byte> Window(long offset, int count)
    {
        if (offset < _bufferStart || offset + count > _bufferStart + _bufferLength)
        {
            _bufferStart = offset;
            var want = (int)Math.Min(_buffer.Length, _end - offset);
            _bufferLength = DataFile.ReadAtMost(_handle, _buffer.AsSpan(0, want), offset);
        }

        var start = (int)(offset - _bufferStart);
        return _buffer.AsSpan(start, Math.Min(count, _bufferLength - start));
    }
}
