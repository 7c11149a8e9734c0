namespace Speedy.IntegrationTests.Cluster;

/// <summary>
/// A needle a test damaged on one replica: its file id and intact bytes, the chunk server whose copy was damaged (and
/// its health counts just before), and the members whose copies were left alone.
/// </summary>
public sealed record ReplicaDamage(string FileId, byte[] Bytes, ClusterNode Victim, IReadOnlyList<ClusterNode> Intact, ChunkServerHealth HealthBefore);
