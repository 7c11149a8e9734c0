namespace Speedy.Volume.Index;

/// <summary>The bookkeeping of a <see cref="VolumeIndex"/> captured with its entries for a checkpoint.</summary>
internal readonly record struct CheckpointState(long End, long LastRecordOffset, long GarbageBytes)
{
    public static CheckpointState Of(VolumeIndex index) => new(index.End, index.LastRecordOffset, index.GarbageBytes);
}
