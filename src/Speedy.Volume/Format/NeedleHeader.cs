using System.Buffers.Binary;
using Speedy.IO;

namespace Speedy.Volume.Format;

/// <summary>
/// The fixed 32-byte front of every record; the layout table is in <c>README.md</c>. A record is the header, the
/// data, a CRC-32C of the data, and zero padding to a multiple of <see cref="Alignment"/> bytes.
/// </summary>
internal readonly record struct NeedleHeader(NeedleKind Kind, NeedleId Id, Cookie Cookie, uint DataLength)
{
    /// <summary>"SPDN" read as a little-endian integer.</summary>
    public const uint Magic = 0x4E445053;

    public const int Size = 32;
    public const int TrailerSize = 4;
    public const int Alignment = 8;

    /// <summary>The bytes of a record around its data: header, data checksum, and the most padding there can be.</summary>
    public const int MaxOverhead = Size + TrailerSize + Alignment - 1;

    private const int KindOffset = 4;
    private const int IdOffset = 8;
    private const int CookieOffset = 16;
    private const int LengthOffset = 20;
    private const int ChecksumOffset = 28;

    /// <summary>The on-disk size of a record whose data is <paramref name="dataLength"/> bytes.</summary>
    public static long RecordSize(long dataLength) => AlignUp(Size + dataLength + TrailerSize);

    /// <summary>The on-disk size of this record.</summary>
    public long RecordLength => RecordSize(DataLength);

    public static long AlignUp(long value) => (value + (Alignment - 1)) & ~(long)(Alignment - 1);

    /// <summary>The data length of a filler record exactly <paramref name="recordSize"/> bytes long.</summary>
    public static uint FillerDataLength(long recordSize) => checked((uint)(recordSize - Size - TrailerSize));

    public void Write(Span<byte> destination)
    {
        destination = destination[..Size];
        destination.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        destination[KindOffset] = (byte)Kind;
        BinaryPrimitives.WriteUInt64LittleEndian(destination[IdOffset..], Id.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[CookieOffset..], Cookie.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[LengthOffset..], DataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[ChecksumOffset..], Crc32C.Compute(destination[..ChecksumOffset]));
    }

    /// <summary>
    /// Reads a header, checking its magic, checksum, kind and reserved bytes; false for anything else, including
    /// fewer than <see cref="Size"/> bytes.
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> source, out NeedleHeader header)
    {
        header = default;
        if (source.Length < Size)
        {
            return false;
        }

        source = source[..Size];
        if (BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic
            || BinaryPrimitives.ReadUInt32LittleEndian(source[ChecksumOffset..]) != Crc32C.Compute(source[..ChecksumOffset]))
        {
            return false;
        }

        var kind = (NeedleKind)source[KindOffset];
        if (kind is not (NeedleKind.Live or NeedleKind.Tombstone or NeedleKind.Filler)
            || source[(KindOffset + 1)..IdOffset].ContainsAnyExcept((byte)0)
            || source[(LengthOffset + 4)..ChecksumOffset].ContainsAnyExcept((byte)0))
        {
            return false;
        }

        var length = BinaryPrimitives.ReadUInt32LittleEndian(source[LengthOffset..]);
        if (kind == NeedleKind.Tombstone && length != 0)
        {
            return false;
        }

        header = new NeedleHeader(
            kind,
            new NeedleId(BinaryPrimitives.ReadUInt64LittleEndian(source[IdOffset..])),
            new Cookie(BinaryPrimitives.ReadUInt32LittleEndian(source[CookieOffset..])),
            length);
        return true;
    }
}
