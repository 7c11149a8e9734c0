using System.Buffers;
using System.Buffers.Binary;
using Microsoft.Win32.SafeHandles;
using Speedy.IO;
using Speedy.Volume.Format;

namespace Speedy.Volume.Index;

/// <summary>
/// The index file <c>{id}.idx</c>: a snapshot of a <see cref="VolumeIndex"/>, written to a temporary file and
/// renamed over the old one, never fsynced. It need not be durable: it is only trusted when both checksums, the
/// volume identity and revision, and the record it says it ends with all check out; otherwise the data file is
/// scanned from the start. Layout (little-endian):
/// <code>
/// offset size field
///      0    4 magic "SPDX"
///      4    2 version (1)
///      6    2 reserved, zero
///      8    4 volume id
///     12    4 data file revision (the superblock's)
///     16    8 data file creation time, Unix milliseconds (the superblock's)
///     24    8 covered end: the data offset this index reflects up to
///     32    8 offset of the last record before the covered end (0 if none)
///     40    8 garbage bytes
///     48    8 entry count n
///     56    4 CRC-32C of the entries
///     60    4 CRC-32C of bytes [0, 60)
///     64 16·n entries: needle id (8), offset / 8 (4), data length (4)
/// </code>
/// </summary>
internal static class IndexCheckpoint
{
    /// <summary>"SPDX" read as a little-endian integer.</summary>
    public const uint Magic = 0x58445053;

    public const int HeaderSize = 64;

    private const ushort Version = 1;
    private const int ChunkEntries = 64 * 1024;

    /// <summary>Writes <paramref name="entries"/> as the index of <paramref name="superblock"/>'s file up to <paramref name="index"/>'s end.</summary>
    public static void Write(string path, Superblock superblock, CheckpointState index, ReadOnlySpan<NeedleEntry> entries, bool durable)
    {
        var temporary = IO.VolumePaths.Temporary(path);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkEntries * NeedleEntry.Size);
        try
        {
            using (var handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.ReadWrite))
            {
                uint entriesChecksum = 0;
                long position = HeaderSize;
                while (!entries.IsEmpty)
                {
                    var count = Math.Min(entries.Length, ChunkEntries);
                    var bytes = chunk.AsSpan(0, count * NeedleEntry.Size);
                    for (var i = 0; i < count; i++)
                    {
                        var slot = bytes[(i * NeedleEntry.Size)..];
                        BinaryPrimitives.WriteUInt64LittleEndian(slot, entries[i].Id);
                        BinaryPrimitives.WriteUInt32LittleEndian(slot[8..], entries[i].OffsetUnits);
                        BinaryPrimitives.WriteUInt32LittleEndian(slot[12..], entries[i].Length);
                    }

                    entriesChecksum = Crc32C.Append(entriesChecksum, bytes);
                    RandomAccess.Write(handle, bytes, position);
                    position += bytes.Length;
                    entries = entries[count..];
                }

                Span<byte> header = stackalloc byte[HeaderSize];
                header.Clear();
                BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
                BinaryPrimitives.WriteUInt16LittleEndian(header[4..], Version);
                BinaryPrimitives.WriteUInt32LittleEndian(header[8..], superblock.Volume.Value);
                BinaryPrimitives.WriteUInt32LittleEndian(header[12..], superblock.Revision);
                BinaryPrimitives.WriteInt64LittleEndian(header[16..], superblock.CreatedAt.ToUnixTimeMilliseconds());
                BinaryPrimitives.WriteInt64LittleEndian(header[24..], index.End);
                BinaryPrimitives.WriteInt64LittleEndian(header[32..], index.LastRecordOffset);
                BinaryPrimitives.WriteInt64LittleEndian(header[40..], index.GarbageBytes);
                BinaryPrimitives.WriteInt64LittleEndian(header[48..], (position - HeaderSize) / NeedleEntry.Size);
                BinaryPrimitives.WriteUInt32LittleEndian(header[56..], entriesChecksum);
                BinaryPrimitives.WriteUInt32LittleEndian(header[60..], Crc32C.Compute(header[..60]));
                RandomAccess.Write(handle, header, 0);
                if (durable)
                {
                    RandomAccess.FlushToDisk(handle);
                }
            }

            File.Move(temporary, path, overwrite: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>
    /// Loads the checkpoint at <paramref name="path"/> if it belongs to <paramref name="superblock"/>'s file and
    /// every entry lies before its covered end, which must be within <paramref name="dataLength"/>; null otherwise.
    /// The map is sized for at least <paramref name="expectedCount"/> needles.
    /// </summary>
    public static VolumeIndex? TryLoad(string path, Superblock superblock, long dataLength, int expectedCount = 0)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read);
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        using (handle)
        {
            var length = RandomAccess.GetLength(handle);
            Span<byte> header = stackalloc byte[HeaderSize];
            if (length < HeaderSize || IO.DataFile.ReadAtMost(handle, header, 0) != HeaderSize
                || BinaryPrimitives.ReadUInt32LittleEndian(header) != Magic
                || BinaryPrimitives.ReadUInt16LittleEndian(header[4..]) != Version
                || BinaryPrimitives.ReadUInt32LittleEndian(header[60..]) != Crc32C.Compute(header[..60])
                || BinaryPrimitives.ReadUInt32LittleEndian(header[8..]) != superblock.Volume.Value
                || BinaryPrimitives.ReadUInt32LittleEndian(header[12..]) != superblock.Revision
                || BinaryPrimitives.ReadInt64LittleEndian(header[16..]) != superblock.CreatedAt.ToUnixTimeMilliseconds())
            {
                return null;
            }

            var end = BinaryPrimitives.ReadInt64LittleEndian(header[24..]);
            var lastRecord = BinaryPrimitives.ReadInt64LittleEndian(header[32..]);
            var garbage = BinaryPrimitives.ReadInt64LittleEndian(header[40..]);
            var count = BinaryPrimitives.ReadInt64LittleEndian(header[48..]);
            if (end < Superblock.Size || end > dataLength || garbage < 0 || count < 0 || count > int.MaxValue
                || length != HeaderSize + (count * NeedleEntry.Size)
                || (lastRecord == 0 ? end != Superblock.Size : lastRecord < Superblock.Size || lastRecord >= end))
            {
                return null;
            }

            return LoadEntries(handle, (int)count, Math.Max((int)count, expectedCount), BinaryPrimitives.ReadUInt32LittleEndian(header[56..]), end)
                is { } map ? new VolumeIndex(map, end, lastRecord, garbage) : null;
        }
    }

    private static NeedleMap? LoadEntries(SafeFileHandle handle, int count, int capacity, uint expectedChecksum, long end)
    {
        var map = new NeedleMap(capacity);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkEntries * NeedleEntry.Size);
        try
        {
            uint checksum = 0;
            long position = HeaderSize;
            var remaining = count;
            while (remaining > 0)
            {
                var n = Math.Min(remaining, ChunkEntries);
                var bytes = chunk.AsSpan(0, n * NeedleEntry.Size);
                if (IO.DataFile.ReadAtMost(handle, bytes, position) != bytes.Length)
                {
                    return null;
                }

                checksum = Crc32C.Append(checksum, bytes);
                for (var i = 0; i < n; i++)
                {
                    var slot = bytes[(i * NeedleEntry.Size)..];
                    var entry = new NeedleEntry(
                        BinaryPrimitives.ReadUInt64LittleEndian(slot),
                        BinaryPrimitives.ReadUInt32LittleEndian(slot[8..]),
                        BinaryPrimitives.ReadUInt32LittleEndian(slot[12..]));
                    if (entry.Offset < Superblock.Size || entry.Offset + NeedleHeader.RecordSize(entry.Length) > end
                        || map.Set(entry, out _))
                    {
                        return null;
                    }
                }

                position += bytes.Length;
                remaining -= n;
            }

            return checksum == expectedChecksum ? map : null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }
}
