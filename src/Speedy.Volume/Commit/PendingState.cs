namespace Speedy.Volume.Commit;

internal enum PendingState : byte
{
    /// <summary>Space reserved; the writer is still writing.</summary>
    Reserved,

    /// <summary>The record is in the file (page cache), waiting for a sync.</summary>
    Written,

    /// <summary>The write failed: nothing from here on can become durable.</summary>
    Failed,
}
