using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using Speedy.IO;
using Speedy.Volume;

namespace Speedy.ChunkServer;

/// <summary>
/// The data-file layout of <c>src/Speedy.Volume/README.md</c>, as far as the chunk server needs it: to list the live
/// needles of a volume's durable records (what a replacement copies and verifies against) and to rewrite a rotten
/// record's data in place with a replica's bytes (the engine takes no appends into a sealed volume, and a repaired
/// record must stay where the index points). The engine owns the format and exposes neither; the tests hold this
/// reading of it to the engine's own writes and reads.
/// </summary>
internal static class RecordLayout
{
    public const int SuperblockSize = 64;
    public const int HeaderSize = 32;

    private const int TrailerSize = 4;
    private const int Alignment = 8;

    /// <summary>"SPDV" and "SPDN" read as little-endian integers.</summary>
    private const uint SuperblockMagic = 0x56445053;
    private const uint NeedleMagic = 0x4E445053;

    /// <summary>A record's size on disk: header, data, data CRC-32C, zero padding to a multiple of 8.</summary>
    public static long RecordSize(long dataLength) => (HeaderSize + dataLength + TrailerSize + Alignment - 1) & ~(long)(Alignment - 1);

    /// <summary>
    /// The live needles of the records in [64, <paramref name="end"/>), in file order, replayed as the engine replays
    /// them (a later live record of an id replaces the earlier one, a tombstone removes it, fillers are skipped). Only
    /// headers and the stored data CRC-32C are read, not the data.
    /// </summary>
    /// <exception cref="VolumeCorruptionException">The superblock is not this volume's at this revision, or a record's header fails its checks (nothing after it can be found).</exception>
    public static List<ManifestNeedle> ListNeedles(SafeFileHandle file, VolumeId volume, uint revision, long end)
    {
        CheckSuperblock(file, volume, revision);
        var live = new Dictionary<ulong, (ManifestNeedle Needle, long Offset)>();
        Span<byte> header = stackalloc byte[HeaderSize];
        Span<byte> trailer = stackalloc byte[TrailerSize];
        var offset = (long)SuperblockSize;
        while (offset < end)
        {
            if (ReadAtMost(file, header, offset) != HeaderSize || !TryReadHeader(header, out var record))
            {
                throw new VolumeCorruptionException($"Volume {volume}: the record at offset {offset} has a bad header; the needles after it cannot be listed.") { Offset = offset };
            }

            var size = RecordSize(record.Length);
            if (offset + size > end)
            {
                throw new VolumeCorruptionException($"Volume {volume}: the record at offset {offset} runs past the durable end {end}.") { Offset = offset };
            }

            switch (record.Kind)
            {
                case RecordHeader.Live:
                    ReadExactly(file, trailer, offset + HeaderSize + record.Length, volume);
                    var crc = BinaryPrimitives.ReadUInt32LittleEndian(trailer);
                    live[record.Id.Value] = (new ManifestNeedle(record.Id.Value, record.Cookie.Value, record.Length, crc), offset);
                    break;
                case RecordHeader.Tombstone:
                    live.Remove(record.Id.Value);
                    break;
            }

            offset += size;
        }

        var ordered = new List<(ManifestNeedle Needle, long Offset)>(live.Values);
        ordered.Sort(static (a, b) => a.Offset.CompareTo(b.Offset));
        var needles = new List<ManifestNeedle>(ordered.Count);
        foreach (var (needle, _) in ordered)
        {
            needles.Add(needle);
        }

        return needles;
    }

    /// <summary>The header of the record at <paramref name="offset"/>; false if it fails its checks.</summary>
    public static bool TryReadHeader(SafeFileHandle file, long offset, out RecordHeader header)
    {
        Span<byte> bytes = stackalloc byte[HeaderSize];
        header = default;
        return ReadAtMost(file, bytes, offset) == HeaderSize && TryReadHeader(bytes, out header);
    }

    /// <summary>The data CRC-32C stored after the data of the record at <paramref name="offset"/>.</summary>
    public static uint ReadStoredCrc(SafeFileHandle file, long offset, uint length, VolumeId volume)
    {
        Span<byte> trailer = stackalloc byte[TrailerSize];
        ReadExactly(file, trailer, offset + HeaderSize + length, volume);
        return BinaryPrimitives.ReadUInt32LittleEndian(trailer);
    }

    /// <summary>The CRC-32C of the data of the record at <paramref name="offset"/>, as it is on disk.</summary>
    public static uint DataCrc(SafeFileHandle file, long offset, uint length, VolumeId volume)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(64 << 10);
        try
        {
            var crc = 0u;
            for (var done = 0L; done < length;)
            {
                var piece = buffer.AsSpan(0, (int)Math.Min(buffer.Length, length - done));
                ReadExactly(file, piece, offset + HeaderSize + done, volume);
                crc = Crc32C.Append(crc, piece);
                done += piece.Length;
            }

            return crc;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Rewrites the data, data CRC-32C and padding of the record at <paramref name="offset"/> (whose header is intact
    /// and says <paramref name="data"/>'s length) and syncs them, so the record is again exactly what the engine wrote.
    /// </summary>
    public static void RewriteData(SafeFileHandle file, long offset, ReadOnlySpan<byte> data, uint crc)
    {
        Span<byte> trailer = stackalloc byte[TrailerSize + Alignment - 1];
        var tail = trailer[..(int)(RecordSize(data.Length) - HeaderSize - data.Length)];
        tail.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(tail, crc);
        RandomAccess.Write(file, data, offset + HeaderSize);
        RandomAccess.Write(file, tail, offset + HeaderSize + data.Length);
        RandomAccess.FlushToDisk(file);
    }

    /// <summary>Checks a header as the engine does: magic, checksum, kind, reserved bytes, and no data in a tombstone.</summary>
    private static bool TryReadHeader(ReadOnlySpan<byte> bytes, out RecordHeader header)
    {
        header = default;
        if (BinaryPrimitives.ReadUInt32LittleEndian(bytes) != NeedleMagic
            || BinaryPrimitives.ReadUInt32LittleEndian(bytes[28..]) != Crc32C.Compute(bytes[..28]))
        {
            return false;
        }

        var kind = bytes[4];
        var length = BinaryPrimitives.ReadUInt32LittleEndian(bytes[20..]);
        if (kind is not (RecordHeader.Live or RecordHeader.Tombstone or RecordHeader.Filler)
            || bytes[5..8].ContainsAnyExcept((byte)0)
            || bytes[24..28].ContainsAnyExcept((byte)0)
            || (kind == RecordHeader.Tombstone && length != 0))
        {
            return false;
        }

        header = new RecordHeader(
            kind,
            new NeedleId(BinaryPrimitives.ReadUInt64LittleEndian(bytes[8..])),
            new Cookie(BinaryPrimitives.ReadUInt32LittleEndian(bytes[16..])),
            length);
        return true;
    }

    /// <summary>The superblock must be intact and name this volume at this revision: otherwise the file is not the one the engine has open.</summary>
    private static void CheckSuperblock(SafeFileHandle file, VolumeId volume, uint revision)
    {
        Span<byte> block = stackalloc byte[SuperblockSize];
        if (ReadAtMost(file, block, 0) != SuperblockSize
            || BinaryPrimitives.ReadUInt32LittleEndian(block) != SuperblockMagic
            || BinaryPrimitives.ReadUInt32LittleEndian(block[60..]) != Crc32C.Compute(block[..60])
            || BinaryPrimitives.ReadUInt32LittleEndian(block[8..]) != volume.Value
            || BinaryPrimitives.ReadUInt32LittleEndian(block[24..]) != revision)
        {
            throw new VolumeCorruptionException($"Volume {volume}: the data file's superblock is not that of revision {revision}.") { Offset = 0 };
        }
    }

    private static void ReadExactly(SafeFileHandle file, Span<byte> destination, long offset, VolumeId volume)
    {
        if (ReadAtMost(file, destination, offset) != destination.Length)
        {
            throw new VolumeCorruptionException($"Volume {volume}: the data file ends inside the record data at offset {offset}.") { Offset = offset };
        }
    }

    private static int ReadAtMost(SafeFileHandle file, Span<byte> destination, long offset)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var n = RandomAccess.Read(file, destination[total..], offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }
}
