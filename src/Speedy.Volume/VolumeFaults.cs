namespace Speedy.Volume;

/// <summary>
/// Hooks the tests use to make the disk misbehave. Each returns the exception to throw instead of doing the I/O, or
/// null to go ahead; <see cref="CompactionStep"/> returns false to simulate the process dying at that step.
/// </summary>
internal sealed class VolumeFaults
{
    /// <summary>Called before each positional write of an append, with its offset and length.</summary>
    public Func<long, int, Exception?>? Write { get; set; }

    /// <summary>Called before each <c>fdatasync</c> of the data file.</summary>
    public Func<Exception?>? Sync { get; set; }

    /// <summary>Called at each compaction step; false stops there as a crash would: nothing is cleaned up.</summary>
    public Func<CompactionStep, bool>? CompactionStep { get; set; }
}
