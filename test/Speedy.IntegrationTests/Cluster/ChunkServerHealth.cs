using System.Text.Json;

namespace Speedy.IntegrationTests.Cluster;

/// <summary>
/// What a chunk server answers to <c>GET /health</c>: <c>state</c> (<c>syncing</c> while a replacement copies its group's
/// volumes, then <c>ready</c>) and its counts, since it started, of needles found corrupt, repaired from a replica, and
/// repairs that found no good copy.
/// </summary>
public sealed record ChunkServerHealth(string State, long CorruptNeedles, long RepairedNeedles, long FailedRepairs, string Json)
{
    public static ChunkServerHealth Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        return new ChunkServerHealth(
            root.GetProperty("state").GetString() ?? throw new InvalidDataException($"state is null: {json}"),
            root.GetProperty("corruptNeedles").GetInt64(),
            root.GetProperty("repairedNeedles").GetInt64(),
            root.GetProperty("failedRepairs").GetInt64(),
            json);
    }
}
