using Speedy.ChunkServer;

namespace Speedy.Master.Tests.Harness;

/// <summary>Heartbeats as a chunk server sends them.</summary>
public static class Heartbeats
{
    public const long Plenty = 100L << 30;

    public static Heartbeat For(uint group, string url, long freeBytes = Plenty, ulong highWaterMark = 1, params VolumeStatus[] volumes) =>
        new(group, url, freeBytes, Load: 0, highWaterMark, volumes.Length == 0 ? [Volume(group, 1), Volume(group, 2)] : volumes);

    public static VolumeStatus Volume(uint group, uint id, bool isSealed = false, long maxSize = 1L << 30) =>
        new(id, group, "/data", Size: 4096, maxSize, LiveBytes: 0, GarbageBytes: 0, GarbageRatio: 0, Needles: 0, isSealed, isSealed ? "Full" : "None", Revision: 1);
}
