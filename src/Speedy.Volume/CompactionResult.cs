namespace Speedy.Volume;

/// <summary>What a compaction did.</summary>
/// <param name="BytesBefore">The data file's length before.</param>
/// <param name="BytesAfter">The compacted data file's length.</param>
/// <param name="Needles">The needles it holds.</param>
public readonly record struct CompactionResult(long BytesBefore, long BytesAfter, int Needles);
