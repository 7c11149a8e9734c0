namespace Speedy.Volume;

/// <summary>What recovery did with a compaction that a crash interrupted.</summary>
public enum InterruptedCompaction
{
    /// <summary>There was none.</summary>
    None,

    /// <summary>It had not committed (no marker): its files were deleted and the old volume kept.</summary>
    RolledBack,

    /// <summary>It had committed (the marker was durable): the compacted files were renamed into place.</summary>
    RolledForward,
}
