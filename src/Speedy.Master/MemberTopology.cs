using Speedy.ChunkServer;

namespace Speedy.Master;

/// <summary>A chunk server as its last heartbeat described it, and whether that heartbeat is recent enough.</summary>
public sealed record MemberTopology(
    string Url,
    bool Healthy,
    double LastSeenSecondsAgo,
    long FreeBytes,
    int Load,
    ulong NeedleIdHighWaterMark,
    IReadOnlyList<VolumeStatus> Volumes);
