namespace Speedy.Index.Web.Health;

/// <summary>One chunk server as its last heartbeat described it.</summary>
/// <param name="Url">The server's address.</param>
/// <param name="Healthy">It reported within the heartbeat timeout.</param>
/// <param name="Syncing">A replacement still copying its group's volumes.</param>
/// <param name="LastSeen">How long ago it last reported.</param>
/// <param name="FreeBytes">Free space on its disk.</param>
/// <param name="UsedBytes">The bytes its volumes hold.</param>
/// <param name="Volumes">How many volumes it has.</param>
public sealed record ChunkServerHealth(string Url, bool Healthy, bool Syncing, TimeSpan LastSeen, long FreeBytes, long UsedBytes, int Volumes);
