using System.Text.Json;

namespace Speedy.IntegrationTests.Cluster;

/// <summary>
/// What one master answered to <c>GET /v1/topology</c>, read as JSON (not through the master's own types, so a change
/// of its wire format shows up here), with the raw text for messages.
/// </summary>
public sealed record MasterTopology(string Master, bool WarmingUp, IReadOnlyList<MasterGroup> Groups, string Json)
{
    public MasterGroup? Group(uint id) => Groups.FirstOrDefault(g => g.Id == id);

    /// <summary>One line: each group, writable or why not, and its members' health.</summary>
    public string Summary() =>
        $"{Master}{(WarmingUp ? " (warming up)" : "")}: " + string.Join(
            "; ",
            Groups.Select(g => $"group {g.Id} {(g.Writable ? "writable" : $"read-only ({g.Reason})")} [" +
                string.Join(", ", g.Members.Select(m => $"{m.Url} {(m.Healthy ? "healthy" : "unhealthy")}")) + "]"));

    public static MasterTopology Parse(string master, string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var groups = new List<MasterGroup>();
        foreach (var group in root.GetProperty("groups").EnumerateArray())
        {
            var members = new List<MasterMember>();
            foreach (var member in group.GetProperty("members").EnumerateArray())
            {
                members.Add(new MasterMember(
                    member.GetProperty("url").GetString() ?? throw new InvalidDataException($"A member's url is null: {json}"),
                    member.GetProperty("healthy").GetBoolean(),
                    member.GetProperty("lastSeenSecondsAgo").GetDouble()));
            }

            groups.Add(new MasterGroup(
                group.GetProperty("id").GetUInt32(),
                group.GetProperty("writable").GetBoolean(),
                group.TryGetProperty("reason", out var reason) ? reason.GetString() : null,
                members));
        }

        return new MasterTopology(master, root.GetProperty("warmingUp").GetBoolean(), groups, json);
    }
}
