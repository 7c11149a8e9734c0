namespace Speedy.Volume;

/// <summary>What opening a volume found: where it resumed, what it replayed, and what it cut off.</summary>
/// <param name="CheckpointLoaded">Whether the index checkpoint was trusted; if not, the whole file was scanned.</param>
/// <param name="CheckpointEnd">The data offset the checkpoint covered (the superblock's end if none).</param>
/// <param name="ScannedBytes">Bytes scanned after the checkpoint.</param>
/// <param name="RecordsReplayed">Records applied to the index by the scan.</param>
/// <param name="TruncatedAt">Where the file was cut, at the first record that failed its checks; -1 if nowhere.</param>
/// <param name="DiscardedBytes">How many bytes the cut removed.</param>
/// <param name="Truncation">Why the record at <paramref name="TruncatedAt"/> failed, or null.</param>
/// <param name="Compaction">What became of a compaction the previous process did not finish.</param>
public sealed record RecoveryReport(
    bool CheckpointLoaded,
    long CheckpointEnd,
    long ScannedBytes,
    long RecordsReplayed,
    long TruncatedAt,
    long DiscardedBytes,
    string? Truncation,
    InterruptedCompaction Compaction)
{
    internal static RecoveryReport New { get; } = new(false, Format.Superblock.Size, 0, 0, -1, 0, null, InterruptedCompaction.None);
}
