using Speedy.Volume.Format;

namespace Speedy.Volume.Commit;

/// <summary>
/// One reserved record between its reservation and its acknowledgement: where it is, what to put in the index once
/// it is durable, and who is waiting. Lives in the volume's ring, in offset order.
/// </summary>
internal struct PendingWrite
{
    public long Offset;
    public long End;
    public NeedleKind Kind;
    public ulong Id;
    public uint Length;
    public PendingState State;
    public SyncWaiter? Waiter;

    /// <summary>
    /// For <see cref="PendingState.Failed"/>, why the write failed; for a written filler, why its writer gave up
    /// (the record is durable, but the append it stands for failed).
    /// </summary>
    public Exception? Error;
}
