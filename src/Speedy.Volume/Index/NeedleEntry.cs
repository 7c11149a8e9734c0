using System.Runtime.InteropServices;

namespace Speedy.Volume.Index;

/// <summary>
/// One slot of the <see cref="NeedleMap"/>, 16 bytes: the needle id, the record's offset in units of 8 bytes (so a
/// <c>uint</c> reaches 32 GiB; 0 marks an empty slot, since offset 0 is the superblock) and the data length.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal struct NeedleEntry
{
    public const int Size = 16;

    public ulong Id;
    public uint OffsetUnits;
    public uint Length;

    public NeedleEntry(ulong id, uint offsetUnits, uint length)
    {
        Id = id;
        OffsetUnits = offsetUnits;
        Length = length;
    }

    public readonly bool IsEmpty => OffsetUnits == 0;

    public readonly long Offset => (long)OffsetUnits * Format.NeedleHeader.Alignment;
}
