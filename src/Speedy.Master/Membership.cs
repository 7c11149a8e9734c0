using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;
using Speedy.ChunkServer;

namespace Speedy.Master;

/// <summary>
/// The master's soft state: every member's last heartbeat, keyed by its URL. Nothing is persisted — after a restart
/// the state is rebuilt from the heartbeats that arrive, and until one heartbeat timeout has passed every group is
/// read-only, since a member that has not reported yet would otherwise be missing from its group unnoticed. A member
/// leaves its group when a replacement that finished syncing names it (and is refused while that replacement reports
/// so), when an operator removes it after it stopped reporting, or with its whole group after <see cref="MasterOptions.ForgetAfter"/>.
/// </summary>
internal sealed class Membership
{
    private readonly MasterOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<Membership> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, MemberRecord> _members = new(StringComparer.Ordinal);
    private long _generation;
    private string _fingerprint = string.Empty;

    public Membership(MasterOptions options, TimeProvider time, ILogger<Membership> logger)
    {
        _options = options;
        _time = time;
        _logger = logger;
        Identity = new MasterIdentity(options.Index, Guid.NewGuid().ToString("n"), time.GetUtcNow());
    }

    public MasterIdentity Identity { get; }

    /// <summary>
    /// Stores a heartbeat and answers with the members of the sender's group; null, with the reason, when it is
    /// refused: the member belongs to another group, or a member of its group that finished syncing replaces it. A
    /// member that is no longer syncing and names the member it replaces makes the master forget that member.
    /// </summary>
    public HeartbeatAnswer? Record(Heartbeat heartbeat, out string? refusal)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            Forget(now);
            if (_members.TryGetValue(heartbeat.Url, out var existing))
            {
                var existingGroup = existing.Heartbeat.Group;
                if (existingGroup != heartbeat.Group)
                {
                    Log.GroupConflict(_logger, heartbeat.Url, existingGroup, heartbeat.Group);
                    refusal = $"member {heartbeat.Url} belongs to group {existingGroup}, not {heartbeat.Group}; a member cannot change group while the master remembers it";
                    return null;
                }

                var silence = now - existing.LastSeen;
                if (silence > _options.HeartbeatTimeout)
                {
                    Log.MemberReturned(_logger, heartbeat.Url, heartbeat.Group, silence.TotalSeconds);
                }
            }
            else
            {
                if (ReplacementOf(heartbeat.Url, heartbeat.Group) is { } replacement)
                {
                    Log.ReplacedMemberRefused(_logger, heartbeat.Url, heartbeat.Group, replacement);
                    refusal = $"member {heartbeat.Url} of group {heartbeat.Group} was replaced by {replacement}";
                    return null;
                }

                Log.MemberJoined(_logger, heartbeat.Url, heartbeat.Group);
            }

            _members[heartbeat.Url] = new MemberRecord(heartbeat, now);
            if (!heartbeat.Syncing && heartbeat.Replaces is { } replaced && replaced != heartbeat.Url
                && _members.TryGetValue(replaced, out var old) && old.Heartbeat.Group == heartbeat.Group)
            {
                _members.Remove(replaced);
                Log.MemberReplaced(_logger, replaced, heartbeat.Group, heartbeat.Url);
            }

            refusal = null;
            return new HeartbeatAnswer(MembersLocked(heartbeat.Group, now));
        }
    }

    /// <summary>
    /// Forgets a member that stopped reporting (an operator's decision that it is gone for good), so its group no longer
    /// waits for it. A member that still reports is kept: its next heartbeat would bring it back.
    /// </summary>
    public MemberRemoval Remove(uint group, string url)
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            Forget(now);
            if (!_members.TryGetValue(url, out var record) || record.Heartbeat.Group != group)
            {
                return MemberRemoval.Unknown;
            }

            if (now - record.LastSeen <= _options.HeartbeatTimeout)
            {
                return MemberRemoval.StillReporting;
            }

            _members.Remove(url);
            Log.MemberRemoved(_logger, url, group);
            return MemberRemoval.Removed;
        }
    }

    public Topology Snapshot()
    {
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            Forget(now);
            var byGroup = new SortedDictionary<uint, List<MemberRecord>>();
            foreach (var record in _members.Values)
            {
                if (!byGroup.TryGetValue(record.Heartbeat.Group, out var list))
                {
                    byGroup[record.Heartbeat.Group] = list = [];
                }

                list.Add(record);
            }

            var warmingUp = now - Identity.StartedAt < _options.HeartbeatTimeout;
            var groups = new List<GroupTopology>(byGroup.Count);
            foreach (var (id, records) in byGroup)
            {
                var group = GroupHealth.Evaluate(id, records, now, _options);
                if (warmingUp && group.Writable)
                {
                    group = group with
                    {
                        Writable = false,
                        Reason = string.Create(CultureInfo.InvariantCulture, $"the master started {(now - Identity.StartedAt).TotalSeconds:0.#} s ago; waiting one heartbeat timeout for every member to report"),
                    };
                }

                groups.Add(group);
            }

            var fingerprint = Fingerprint(groups);
            if (!string.Equals(fingerprint, _fingerprint, StringComparison.Ordinal))
            {
                _fingerprint = fingerprint;
                _generation++;
            }

            return new Topology(Identity, _generation, warmingUp, _options.HeartbeatTimeout.TotalSeconds, groups);
        }
    }

    public (int Groups, int Members) Count()
    {
        lock (_lock)
        {
            var groups = new HashSet<uint>();
            foreach (var record in _members.Values)
            {
                groups.Add(record.Heartbeat.Group);
            }

            return (groups.Count, _members.Count);
        }
    }

    /// <summary>The members of a group, ordered by URL, with their health now.</summary>
    private List<GroupMemberStatus> MembersLocked(uint group, DateTimeOffset now)
    {
        var members = new List<GroupMemberStatus>();
        foreach (var record in _members.Values)
        {
            if (record.Heartbeat.Group == group)
            {
                members.Add(new GroupMemberStatus(record.Heartbeat.Url, now - record.LastSeen <= _options.HeartbeatTimeout, record.Heartbeat.Syncing));
            }
        }

        members.Sort(static (a, b) => string.CompareOrdinal(a.Url, b.Url));
        return members;
    }

    /// <summary>The member of <paramref name="group"/>, done syncing, that replaces <paramref name="url"/>; null if none.</summary>
    private string? ReplacementOf(string url, uint group)
    {
        foreach (var record in _members.Values)
        {
            var heartbeat = record.Heartbeat;
            if (heartbeat.Group == group && !heartbeat.Syncing && heartbeat.Replaces == url && heartbeat.Url != url)
            {
                return heartbeat.Url;
            }
        }

        return null;
    }

    /// <summary>Drops every group none of whose members reported within <see cref="MasterOptions.ForgetAfter"/>.</summary>
    private void Forget(DateTimeOffset now)
    {
        var latest = new Dictionary<uint, DateTimeOffset>();
        foreach (var record in _members.Values)
        {
            var group = record.Heartbeat.Group;
            if (!latest.TryGetValue(group, out var seen) || record.LastSeen > seen)
            {
                latest[group] = record.LastSeen;
            }
        }

        foreach (var (group, seen) in latest)
        {
            if (now - seen <= _options.ForgetAfter)
            {
                continue;
            }

            foreach (var record in _members.Values.Where(r => r.Heartbeat.Group == group).ToList())
            {
                _members.Remove(record.Heartbeat.Url);
            }

            Log.GroupForgotten(_logger, group, (now - seen).TotalSeconds);
        }
    }

    /// <summary>What the generation counts changes of: groups, members, health, writability and writable volumes.</summary>
    private static string Fingerprint(List<GroupTopology> groups)
    {
        var text = new StringBuilder();
        foreach (var group in groups)
        {
            text.Append(CultureInfo.InvariantCulture, $"{group.Id}:{group.Writable}:{string.Join(',', group.Volumes)}[");
            foreach (var member in group.Members)
            {
                text.Append(CultureInfo.InvariantCulture, $"{member.Url}={member.Healthy}:{member.Syncing};");
            }

            text.Append(']');
        }

        return text.ToString();
    }
}
