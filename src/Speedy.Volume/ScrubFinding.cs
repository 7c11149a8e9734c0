namespace Speedy.Volume;

/// <summary>A record that failed its checks during a scrub.</summary>
/// <param name="Offset">Where the record starts in the data file.</param>
/// <param name="Needle">The needle it belongs to, or null if its header was unreadable.</param>
/// <param name="IsCurrent">Whether it is the version reads get (so the needle needs repair from a replica).</param>
/// <param name="Problem">What failed.</param>
public readonly record struct ScrubFinding(long Offset, NeedleId? Needle, bool IsCurrent, string Problem);
