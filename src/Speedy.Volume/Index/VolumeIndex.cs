using Speedy.Volume.Format;

namespace Speedy.Volume.Index;

/// <summary>
/// The index of one data file: the <see cref="NeedleMap"/>, how far into the file it reflects, and how many bytes
/// there are dead (overwritten, deleted, fillers), which is what compaction would reclaim. Records are applied in
/// file order, so replaying a file from its start, or from a checkpoint, rebuilds the same index.
/// Not thread-safe: the volume guards it.
/// </summary>
internal sealed class VolumeIndex
{
    public VolumeIndex(NeedleMap map, long end, long lastRecordOffset, long garbageBytes)
    {
        Map = map;
        End = end;
        LastRecordOffset = lastRecordOffset;
        GarbageBytes = garbageBytes;
    }

    public static VolumeIndex Empty(int expectedCount = 0) => new(new NeedleMap(expectedCount), Superblock.Size, 0, 0);

    public NeedleMap Map { get; }

    /// <summary>The end of the last record applied: the index reflects exactly the file's bytes before it.</summary>
    public long End { get; private set; }

    /// <summary>The offset of the last record applied, 0 if none.</summary>
    public long LastRecordOffset { get; private set; }

    public long GarbageBytes { get; private set; }

    public int Count => Map.Count;

    /// <summary>Applies the record at <paramref name="offset"/>, which must start at <see cref="End"/>.</summary>
    public void Apply(NeedleKind kind, ulong id, long offset, uint length)
    {
        System.Diagnostics.Debug.Assert(offset == End, "records are applied in file order");
        var size = NeedleHeader.RecordSize(length);
        switch (kind)
        {
            case NeedleKind.Live:
                if (Map.Set(new NeedleEntry(id, checked((uint)(offset / NeedleHeader.Alignment)), length), out var replaced))
                {
                    GarbageBytes += NeedleHeader.RecordSize(replaced.Length);
                }

                break;
            case NeedleKind.Tombstone:
                if (Map.Remove(id, out var removed))
                {
                    GarbageBytes += NeedleHeader.RecordSize(removed.Length);
                }

                GarbageBytes += size;
                break;
            default:
                GarbageBytes += size;
                break;
        }

        End = offset + size;
        LastRecordOffset = offset;
    }
}
