using System.Text.Json.Serialization;

namespace Speedy.ChunkServer;

/// <summary>
/// The answer to a needle write: its file id (which carries no offset) and size; for a chained write
/// (<c>X-Speedy-Replicate-To</c>), also the CRC-32C of the bytes that passed through, so each hop can confirm the
/// next one stored the same bytes.
/// </summary>
public sealed record NeedleWritten(string Fid, long Size)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public uint? Crc { get; init; }
}

/// <summary>One volume's state, as <c>GET /volumes</c> and the heartbeat report it.</summary>
public sealed record VolumeStatus(
    uint Id,
    uint Group,
    string Directory,
    long Size,
    long MaxSize,
    long LiveBytes,
    long GarbageBytes,
    double GarbageRatio,
    int Needles,
    bool Sealed,
    string SealReason,
    uint Revision);

/// <summary>The outcome of <c>POST /volumes/{id}/compact</c>.</summary>
public sealed record CompactionStatus(uint Id, long SizeBefore, long SizeAfter, int Needles);

/// <summary><c>GET /health</c>: the server is up, and what it holds.</summary>
public sealed record HealthStatus(string Status, uint Group, string Url, int Volumes, int WritableVolumes, long FreeBytes, ulong NeedleIdHighWaterMark);

/// <summary>What a chunk server sends its masters every heartbeat interval.</summary>
public sealed record Heartbeat(uint Group, string Url, long FreeBytes, int Load, ulong NeedleIdHighWaterMark, IReadOnlyList<VolumeStatus> Volumes);

/// <summary>An error answer: <c>{"error": "..."}</c>.</summary>
public sealed record ChunkError(string Error);
