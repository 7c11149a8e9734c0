using Speedy.ChunkServer;

namespace Speedy.Master;

/// <summary>A member's last heartbeat and when it arrived.</summary>
internal sealed record MemberRecord(Heartbeat Heartbeat, DateTimeOffset LastSeen);
