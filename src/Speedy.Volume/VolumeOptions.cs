namespace Speedy.Volume;

/// <summary>The volume engine's settings: a plain object, bound and validated by whoever hosts the engine.</summary>
public sealed class VolumeOptions
{
    /// <summary>The most a volume can hold: offsets are kept in the index as 32-bit multiples of 8 bytes.</summary>
    public const long MaxVolumeSize = 32L << 30;

    /// <summary>The directory that holds the volume's files (<c>{id}.dat</c>, <c>{id}.idx</c> and the transient ones).</summary>
    public string Directory { get; set; } = "";

    /// <summary>
    /// The size a new volume is preallocated to and sealed at, 1 MiB to 32 GiB. An existing volume keeps the size it
    /// was created with (it is in the superblock).
    /// </summary>
    public long Size { get; set; } = 1L << 30;

    public SyncPolicy SyncPolicy { get; set; } = SyncPolicy.GroupCommit;

    /// <summary>
    /// Reserve the data file's blocks up front with <c>fallocate(FALLOC_FL_KEEP_SIZE)</c>, so appends find contiguous
    /// space and the file's length still follows its data. Best effort: a filesystem without it, or without room for
    /// the whole size, just allocates as it goes.
    /// </summary>
    public bool Preallocate { get; set; } = true;

    /// <summary>
    /// Write the page-aligned middle of large needles with <c>O_DIRECT</c>, past the page cache, where the filesystem
    /// allows it. On a virtual machine the copy into the page cache is most of the CPU a stored fragment costs; the
    /// price is that a needle just written is read from the disk, not memory. For a replica that is rarely read.
    /// </summary>
    public bool DirectWrites { get; set; }

    /// <summary>
    /// Bytes of appends between index checkpoints: the most that opening the volume after a crash has to scan. The
    /// checkpoint is written off the append path, without fsync.
    /// </summary>
    public long CheckpointInterval { get; set; } = 256L << 20;

    /// <summary>
    /// How many needles a volume is expected to hold (e.g. its size over the fragment size), to size the in-memory
    /// index once (about 20 bytes a needle) rather than growing it, which copies it; 0 to grow from empty.
    /// </summary>
    public int ExpectedNeedles { get; set; }

    /// <summary>The clock that stamps a new volume's creation time.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>Fault injection for the tests: failing writes and syncs, crashing compaction at a chosen step.</summary>
    internal VolumeFaults? Faults { get; set; }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Directory))
        {
            throw new ArgumentException("VolumeOptions.Directory is required.", nameof(Directory));
        }

        if (Size is < 1L << 20 or > MaxVolumeSize)
        {
            throw new ArgumentOutOfRangeException(nameof(Size), Size, "A volume is 1 MiB to 32 GiB.");
        }

        if (CheckpointInterval <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(CheckpointInterval), CheckpointInterval, "Must be positive.");
        }

        if (ExpectedNeedles < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(ExpectedNeedles), ExpectedNeedles, "Must not be negative.");
        }

        if (!Enum.IsDefined(SyncPolicy))
        {
            throw new ArgumentOutOfRangeException(nameof(SyncPolicy), SyncPolicy, "Unknown sync policy.");
        }

        ArgumentNullException.ThrowIfNull(TimeProvider);
    }
}
