using System.Buffers.Binary;
using Speedy.IO;

namespace Speedy.Volume.Format;

/// <summary>
/// The content of <c>{id}.cpm</c>, 32 bytes: once this file exists, compaction is committed and recovery renames the
/// compacted files into place. It names the revision and length the compacted data file must have.
/// </summary>
internal readonly record struct CompactionMarker(uint Revision, long DataLength)
{
    /// <summary>"SPDC" read as a little-endian integer.</summary>
    public const uint Magic = 0x43445053;

    public const int Size = 32;

    private const ushort Version = 1;
    private const int ChecksumOffset = 28;

    public void Write(Span<byte> destination)
    {
        destination = destination[..Size];
        destination.Clear();
        BinaryPrimitives.WriteUInt32LittleEndian(destination, Magic);
        BinaryPrimitives.WriteUInt16LittleEndian(destination[4..], Version);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[8..], Revision);
        BinaryPrimitives.WriteInt64LittleEndian(destination[16..], DataLength);
        BinaryPrimitives.WriteUInt32LittleEndian(destination[ChecksumOffset..], Crc32C.Compute(destination[..ChecksumOffset]));
    }

    public static bool TryRead(ReadOnlySpan<byte> source, out CompactionMarker marker)
    {
        marker = default;
        if (source.Length != Size
            || BinaryPrimitives.ReadUInt32LittleEndian(source) != Magic
            || BinaryPrimitives.ReadUInt16LittleEndian(source[4..]) != Version
            || BinaryPrimitives.ReadUInt32LittleEndian(source[ChecksumOffset..]) != Crc32C.Compute(source[..ChecksumOffset]))
        {
            return false;
        }

        marker = new CompactionMarker(
            BinaryPrimitives.ReadUInt32LittleEndian(source[8..]),
            BinaryPrimitives.ReadInt64LittleEndian(source[16..]));
        return true;
    }
}
