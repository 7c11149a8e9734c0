using System.Globalization;
using Speedy.ChunkServer;

namespace Speedy.Master;

/// <summary>
/// Whether a group takes new fragments: it has a member, every member reported within the heartbeat timeout and is
/// not syncing (a replacement still copying the group's volumes), every member has more than
/// <see cref="MasterOptions.MinFreeBytes"/> free, and some volume is open for writes on every member — or every member
/// has room for a new one. Anything else makes it read-only, with the first reason found.
/// </summary>
internal static class GroupHealth
{
    public static GroupTopology Evaluate(uint group, List<MemberRecord> records, DateTimeOffset now, MasterOptions options)
    {
        records.Sort(static (a, b) => string.CompareOrdinal(a.Heartbeat.Url, b.Heartbeat.Url));
        var members = new List<MemberTopology>(records.Count);
        string? reason = records.Count == 0 ? "the group has no members" : null;
        HashSet<uint>? common = null;
        var highest = 0u;
        foreach (var record in records)
        {
            var heartbeat = record.Heartbeat;
            var silence = now - record.LastSeen;
            var healthy = silence <= options.HeartbeatTimeout;
            members.Add(new MemberTopology(
                heartbeat.Url,
                healthy,
                Math.Round(Math.Max(0, silence.TotalSeconds), 3),
                heartbeat.FreeBytes,
                heartbeat.Load,
                heartbeat.NeedleIdHighWaterMark,
                heartbeat.Volumes)
            {
                Syncing = heartbeat.Syncing,
            });
            foreach (var volume in heartbeat.Volumes)
            {
                highest = Math.Max(highest, volume.Id);
            }

            if (!healthy)
            {
                reason ??= string.Create(CultureInfo.InvariantCulture, $"member {heartbeat.Url} has not reported for {silence.TotalSeconds:0.#} s (timeout {options.HeartbeatTimeout.TotalSeconds:0.#} s)");
                continue;
            }

            if (heartbeat.Syncing)
            {
                reason ??= $"member {heartbeat.Url} is syncing: it is copying the group's volumes and takes no reads or writes until they are verified";
                continue;
            }

            if (heartbeat.FreeBytes < options.MinFreeBytes)
            {
                reason ??= string.Create(CultureInfo.InvariantCulture, $"member {heartbeat.Url} is full: {heartbeat.FreeBytes} bytes free, below {options.MinFreeBytes}");
            }

            var open = new HashSet<uint>();
            foreach (var volume in heartbeat.Volumes)
            {
                if (!volume.Sealed)
                {
                    open.Add(volume.Id);
                }
            }

            if (common is null)
            {
                common = open;
            }
            else
            {
                common.IntersectWith(open);
            }
        }

        var volumes = common is null ? [] : common.Order().ToList();
        if (reason is null && volumes.Count == 0)
        {
            foreach (var record in records)
            {
                var needed = options.MinFreeBytes + LargestVolume(record.Heartbeat.Volumes);
                if (record.Heartbeat.FreeBytes < needed)
                {
                    reason = string.Create(CultureInfo.InvariantCulture, $"no volume is open for writes on every member, and member {record.Heartbeat.Url} has no room for a new one ({record.Heartbeat.FreeBytes} bytes free, {needed} needed)");
                    break;
                }
            }
        }

        return new GroupTopology(group, reason is null, members, volumes, highest) { Reason = reason };
    }

    private static long LargestVolume(IReadOnlyList<VolumeStatus> volumes)
    {
        var largest = 0L;
        foreach (var volume in volumes)
        {
            largest = Math.Max(largest, volume.MaxSize);
        }

        return largest;
    }
}
