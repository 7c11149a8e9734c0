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

/// <summary>
/// <c>GET /health</c>: the server is up, and what it holds. <see cref="State"/> is <c>syncing</c> while a replacement
/// copies its group's volumes (it takes no reads or writes), otherwise <c>ready</c>. The last three count needles whose
/// records failed their checks (on a read or a scrub), those rewritten from a replica, and repairs that found no good
/// copy, since the server started.
/// </summary>
public sealed record HealthStatus(
    string Status,
    uint Group,
    string Url,
    int Volumes,
    int WritableVolumes,
    long FreeBytes,
    ulong NeedleIdHighWaterMark,
    string State,
    long CorruptNeedles,
    long RepairedNeedles,
    long FailedRepairs);

/// <summary>What a chunk server sends its masters every heartbeat interval.</summary>
public sealed record Heartbeat(uint Group, string Url, long FreeBytes, int Load, ulong NeedleIdHighWaterMark, IReadOnlyList<VolumeStatus> Volumes)
{
    /// <summary>
    /// The server is a replacement still copying its group's volumes: it takes no reads or writes, and the master
    /// keeps its group read-only.
    /// </summary>
    public bool Syncing { get; init; }

    /// <summary>
    /// The URL of the member this server replaces (<c>--replace</c>). Once this server is no longer syncing, the
    /// master forgets that member and refuses its heartbeats.
    /// </summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Replaces { get; init; }
}

/// <summary>
/// The master's answer to a heartbeat: every member of the sender's group (the sender too), as the master sees it.
/// It is how a chunk server knows its peers, to copy volumes from and to repair needles from.
/// </summary>
public sealed record HeartbeatAnswer(IReadOnlyList<GroupMemberStatus> Members);

/// <summary>A member of a group: its URL, whether it reported within the heartbeat timeout, and whether it is still syncing.</summary>
public sealed record GroupMemberStatus(string Url, bool Healthy, bool Syncing);

/// <summary>
/// <c>GET /volumes/{id}/needles</c>: the live needles of a volume's durable records up to <see cref="End"/>, in file
/// order, with the data file's <see cref="Revision"/> (a compaction makes a new one), its configured size and whether
/// it is sealed. A replacement copies the volume by it and verifies the copy against it.
/// </summary>
public sealed record VolumeManifest(uint Id, uint Revision, long End, long MaxSize, bool Sealed, IReadOnlyList<ManifestNeedle> Needles);

/// <summary>One needle of a <see cref="VolumeManifest"/>: id, cookie, data length and the CRC-32C its record carries.</summary>
public sealed record ManifestNeedle(ulong Id, uint Cookie, long Length, uint Crc);

/// <summary>An error answer: <c>{"error": "..."}</c>.</summary>
public sealed record ChunkError(string Error);
