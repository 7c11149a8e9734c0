using System.Buffers.Binary;
using System.Globalization;

namespace Speedy.IntegrationTests.Cluster;

/// <summary>
/// A live needle record found in a chunk server's volume file (<c>{dir}/{volume}.dat</c>), located by reading the
/// file as <c>src/Speedy.Volume/README.md</c> lays it out: a 64-byte superblock (volume id at 8, group id at 12),
/// then records at multiples of 8, each a 32-byte header (magic <c>SPDN</c>, flags at 4 with 1 = live, needle id at 8,
/// cookie at 16, data length at 20), the data, its CRC-32C and padding.
/// </summary>
public sealed record StoredNeedle(string DataFile, long RecordOffset, int DataLength, uint Group, uint Volume, ulong NeedleId, uint Cookie)
{
    private const int SuperblockLength = 64;
    private const int HeaderLength = 32;
    private const byte LiveFlag = 1;

    /// <summary>The file id, in its canonical form <c>{group}.{volume},{needle hex}{cookie as 8 hex digits}</c>.</summary>
    public string FileId => string.Create(CultureInfo.InvariantCulture, $"{Group}.{Volume},{NeedleId:x}{Cookie:x8}");

    /// <summary>Where byte 0 of the needle's data is in <see cref="DataFile"/>.</summary>
    public long DataOffset => RecordOffset + HeaderLength;

    /// <summary>Every live needle in the volume files of <paramref name="directory"/> whose data starts with <paramref name="prefix"/>.</summary>
    public static IReadOnlyList<StoredNeedle> FindByDataPrefix(string directory, ReadOnlySpan<byte> prefix)
    {
        var found = new List<StoredNeedle>();
        var header = new byte[HeaderLength];
        var data = new byte[prefix.Length];
        var superblock = new byte[SuperblockLength];
        foreach (var path in Directory.EnumerateFiles(directory, "*.dat"))
        {
            // The chunk server has the file open and may be appending: share everything, read what is there.
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var length = file.Length;
            if (length < SuperblockLength)
            {
                continue;
            }

            file.ReadExactly(superblock);
            if (!superblock.AsSpan(0, 4).SequenceEqual("SPDV"u8))
            {
                throw new InvalidDataException($"{path} does not start with a volume superblock.");
            }

            var volume = BinaryPrimitives.ReadUInt32LittleEndian(superblock.AsSpan(8));
            var group = BinaryPrimitives.ReadUInt32LittleEndian(superblock.AsSpan(12));
            var offset = (long)SuperblockLength;
            while (offset + HeaderLength <= length)
            {
                file.Position = offset;
                file.ReadExactly(header);
                if (!header.AsSpan(0, 4).SequenceEqual("SPDN"u8))
                {
                    break; // The end of the records (preallocated space, or a torn tail the engine will cut).
                }

                var dataLength = BinaryPrimitives.ReadInt32LittleEndian(header.AsSpan(20));
                if (header[4] == LiveFlag && dataLength >= prefix.Length && offset + HeaderLength + prefix.Length <= length)
                {
                    file.ReadExactly(data);
                    if (prefix.SequenceEqual(data))
                    {
                        found.Add(new StoredNeedle(
                            path,
                            offset,
                            dataLength,
                            group,
                            volume,
                            BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(8)),
                            BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(16))));
                    }
                }

                // A filler's length spans its whole reservation too, so every record kind advances the same way.
                offset += (HeaderLength + (long)dataLength + 4 + 7) & ~7L;
            }
        }

        return found;
    }

    /// <summary>Inverts one byte of the needle's data in place, on disk (synced), leaving its header and checksum as they were.</summary>
    public void FlipDataByte(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, DataLength);
        using var file = new FileStream(DataFile, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete);
        Span<byte> one = stackalloc byte[1];
        file.Position = DataOffset + index;
        file.ReadExactly(one);
        one[0] ^= 0xFF;
        file.Position = DataOffset + index;
        file.Write(one);
        file.Flush(flushToDisk: true);
    }
}
