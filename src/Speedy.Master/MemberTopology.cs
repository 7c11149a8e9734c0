using Speedy.ChunkServer;

namespace Speedy.Master;

/// <summary>
/// A chunk server as its last heartbeat described it, and whether that heartbeat is recent enough. A member takes
/// reads only when it is healthy and not <see cref="Syncing"/>.
/// </summary>
public sealed record MemberTopology(
    string Url,
    bool Healthy,
    double LastSeenSecondsAgo,
    long FreeBytes,
    int Load,
    ulong NeedleIdHighWaterMark,
    IReadOnlyList<VolumeStatus> Volumes)
{
    /// <summary>The member is a replacement still copying the group's volumes: it takes no reads or writes.</summary>
    public bool Syncing { get; init; }
}
