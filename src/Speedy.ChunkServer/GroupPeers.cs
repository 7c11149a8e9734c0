namespace Speedy.ChunkServer;

/// <summary>
/// The other members of this server's group, as the masters last described them in their answers to its heartbeats:
/// the peers a replacement copies volumes from and a repair fetches needles from. Empty when the server runs
/// standalone or no master answered yet. Thread-safe.
/// </summary>
internal sealed class GroupPeers(ChunkServerOptions options)
{
    private readonly string _self = options.EffectivePublicUrl.TrimEnd('/');
    private volatile IReadOnlyList<GroupMemberStatus> _members = [];

    /// <summary>Takes the members a master answered with.</summary>
    public void Update(IReadOnlyList<GroupMemberStatus> members) => _members = members;

    /// <summary>The URLs of the other members that take reads (healthy and not syncing), in random order.</summary>
    public string[] Readable()
    {
        var readable = new List<string>();
        foreach (var member in _members)
        {
            var url = member.Url.TrimEnd('/');
            if (member.Healthy && !member.Syncing && !string.Equals(url, _self, StringComparison.Ordinal))
            {
                readable.Add(url);
            }
        }

        var urls = readable.ToArray();
        Random.Shared.Shuffle(urls);
        return urls;
    }
}
