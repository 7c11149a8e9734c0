using System.Buffers.Binary;
using Speedy.IO;

namespace Speedy.Volume.Format;

/// <summary>
/// The first 64 bytes of a data file, written once when the file is made and never rewritten in place (compaction
/// writes a new file with the next <see cref="Revision"/>). The layout table is in <c>README.md</c>.
/// </summary>
internal readonly record struct Superblock(VolumeId Volume, GroupId Group, DateTimeOffset CreatedAt, uint Revision, long MaxSize)
{
    /// <summary>"SPDV" read as a little-endian integer.</summary>
    public const uint Magic = 0x56445053;

    public const ushort FormatVersion = 1;
    public const int Size = 64;

    private const int ChecksumOffset = 60;

    public void Write(Span<byte> destination)
    {
        destination = destination[..Size];
        destination.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], FormatVersion);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Volume.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[12..], Group.Value);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], CreatedAt.ToUnixTimeMilliseconds());
        BinaryPrimitives.WriteUInt32LittleEndian(destination[24..], Revision);
        BinaryPrimitives.WriteInt64LittleEndian(destination[32..], MaxSize);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[ChecksumOffset..], Crc32C.Compute(destination[..ChecksumOffset]));
    }

    public static bool TryRead(ReadOnlySpan<byte> source, out Superblock superblock)
    {
        superblock = default;
        if (source.Length < Size)
        {
            return false;
        }

        source = source[..Size];
        if (BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic
            || BinaryPrimitives.ReadUInt16LittleEndian(source[4..]) != FormatVersion
            || BinaryPrimitives.ReadUInt32LittleEndian(source[ChecksumOffset..]) != Crc32C.Compute(source[..ChecksumOffset]))
        {
            return false;
        }

        var created = BinaryPrimitives.ReadInt64LittleEndian(source[16..]);
        if (created < DateTimeOffset.MinValue.ToUnixTimeMilliseconds() || created > DateTimeOffset.MaxValue.ToUnixTimeMilliseconds())
        {
            return false;
        }

        superblock = new Superblock(
            new VolumeId(BinaryPrimitives.ReadUInt32LittleEndian(source[8..])),
            new GroupId(BinaryPrimitives.ReadUInt32LittleEndian(source[12..])),
            DateTimeOffset.FromUnixTimeMilliseconds(created),
            BinaryPrimitives.ReadUInt32LittleEndian(source[24..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[32..]));
        return true;
    }
}
