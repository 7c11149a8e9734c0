namespace Speedy.Volume;

/// <summary>When an append is acknowledged.</summary>
public enum SyncPolicy
{
    /// <summary>
    /// After its batch is on disk: concurrent appends are batched into one <c>fdatasync</c> (group commit), and an
    /// append completes only once a sync covering its whole record has succeeded. Survives power loss.
    /// </summary>
    GroupCommit,

    /// <summary>
    /// As soon as the record and every record before it are written to the page cache. Survives the process being
    /// killed, not the machine losing power: for tests, benchmarks of the page-cache path, and tmpfs.
    /// </summary>
    None,
}
