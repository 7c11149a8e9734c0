using System.Buffers.Binary;
using Speedy.IO;

namespace Speedy.Volume.Format;

/// <summary>Encodes and checks whole records (header, data, data checksum, padding) held in memory.</summary>
internal static class NeedleRecord
{
    /// <summary>Writes the record of <paramref name="data"/> to the start of <paramref name="destination"/>; returns its size.</summary>
    public static int Encode(NeedleKind kind, NeedleId id, Cookie cookie, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        var size = (int)NeedleHeader.RecordSize(data.Length);
        new NeedleHeader(kind, id, cookie, (uint)data.Length).Write(destination);
        data.CopyTo(destination[NeedleHeader.Size..]);
        WriteTrailer(Crc32C.Compute(data), destination[(NeedleHeader.Size + data.Length)..size]);
        return size;
    }

    /// <summary>Writes the data checksum and the zero padding after it: <paramref name="destination"/> is exactly that span.</summary>
    public static void WriteTrailer(uint dataChecksum, Span<byte> destination)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(destination, dataChecksum);
        destination[NeedleHeader.TrailerSize..].Clear();
    }

    /// <summary>The size of the trailer and padding after data of <paramref name="dataLength"/> bytes.</summary>
    public static int TrailerAndPadding(long dataLength) =>
        (int)(NeedleHeader.RecordSize(dataLength) - NeedleHeader.Size - dataLength);

    /// <summary>
    /// Checks the record at the start of <paramref name="source"/>. Filler records are valid whatever their data holds.
    /// </summary>
    public static RecordCheck Check(ReadOnlySpan<byte> source, out NeedleHeader header)
    {
        if (source.Length < NeedleHeader.Size)
        {
            header = default;
            return RecordCheck.Truncated;
        }

        if (!NeedleHeader.TryRead(source, out header))
        {
            return RecordCheck.BadHeader;
        }

        var size = header.RecordLength;
        if (size > source.Length)
        {
            return RecordCheck.Truncated;
        }

        if (header.Kind == NeedleKind.Filler)
        {
            return RecordCheck.Valid;
        }

        var data = source.Slice(NeedleHeader.Size, (int)header.DataLength);
        return CheckTrailer(Crc32C.Compute(data), source[(NeedleHeader.Size + data.Length)..(int)size])
            ? RecordCheck.Valid
            : RecordCheck.BadData;
    }

    /// <summary>Checks a trailer (data checksum and zero padding) against the checksum of the data it follows.</summary>
    public static bool CheckTrailer(uint dataChecksum, ReadOnlySpan<byte> trailer) =>
        BinaryPrimitives.ReadUInt32LittleEndian(trailer) == dataChecksum
        && !trailer[NeedleHeader.TrailerSize..].ContainsAnyExcept((byte)0);
}
