namespace Speedy.Volume;

/// <summary>
/// The points compaction passes, in order; a crash between two of them must leave the old volume or the new one,
/// complete. The tests stop compaction at each through <see cref="VolumeFaults.CompactionStep"/>.
/// </summary>
internal enum CompactionStep
{
    /// <summary>Nothing written yet.</summary>
    Started,

    /// <summary><c>.cpd</c> holds the superblock and some of the live needles, unsynced.</summary>
    Copying,

    /// <summary>Every live needle and the appends made meanwhile are in <c>.cpd</c>, unsynced; appends are held.</summary>
    CaughtUp,

    /// <summary><c>.cpd</c> and its index <c>.cpx</c> are complete and synced; no marker yet, so recovery discards them.</summary>
    Synced,

    /// <summary>The marker <c>.cpm</c> is durable: from here recovery finishes the swap.</summary>
    MarkerWritten,

    /// <summary><c>.cpd</c> has been renamed over <c>.dat</c>.</summary>
    DataRenamed,

    /// <summary><c>.cpx</c> has been renamed over <c>.idx</c>; only the marker is left to remove.</summary>
    IndexRenamed,
}
