using Microsoft.AspNetCore.Http;
using Speedy.Master;
using Speedy.Volume;

namespace Speedy.ImageServer;

/// <summary>
/// The image server's topology from the masters, through <see cref="MasterClient"/>: cached, failing over between
/// masters, and still served (stale) while every master is briefly away. When no master answers and nothing is
/// cached, requests get 503: the store is unavailable, not broken.
/// </summary>
public sealed class MasterTopologySource(MasterClient client) : ITopologySource
{
    /// <summary>The last topology converted, with its source: one reference, so readers never see a torn pair.</summary>
    private volatile Tuple<Topology, StoreTopology>? _cache;

    public async ValueTask<StoreTopology> GetTopologyAsync(CancellationToken cancellationToken)
    {
        TopologySnapshot snapshot;
        try
        {
            snapshot = await client.GetTopologyAsync(cancellationToken);
        }
        catch (MasterUnavailableException ex)
        {
            throw Unavailable(ex);
        }

        var topology = snapshot.Topology;
        if (_cache is { } cache && ReferenceEquals(cache.Item1, topology))
        {
            return cache.Item2;
        }

        var converted = Convert(topology);
        _cache = Tuple.Create(topology, converted);
        return converted;
    }

    public async Task<NeedleIdLease> AcquireNeedleIdsAsync(int count, CancellationToken cancellationToken)
    {
        try
        {
            var range = await client.AcquireNeedleIdsAsync(count, cancellationToken);
            return new NeedleIdLease(range.Start, range.End);
        }
        catch (MasterUnavailableException ex)
        {
            throw Unavailable(ex);
        }
    }

    private static FragmentException Unavailable(MasterUnavailableException ex) =>
        new(StatusCodes.Status503ServiceUnavailable, "no master is reachable: " + ex.Message);

    /// <summary>The master's wire topology as the image server's model.</summary>
    public static StoreTopology Convert(Topology topology)
    {
        ArgumentNullException.ThrowIfNull(topology);
        var groups = new List<TopologyGroup>(topology.Groups.Count);
        foreach (var group in topology.Groups)
        {
            var members = new List<TopologyMember>(group.Members.Count);
            foreach (var member in group.Members)
            {
                members.Add(new TopologyMember(member.Url, member.Healthy, member.FreeBytes, member.Load) { Syncing = member.Syncing });
            }

            var volumes = new List<VolumeId>(group.Volumes.Count);
            foreach (var volume in group.Volumes)
            {
                volumes.Add(new VolumeId(volume));
            }

            groups.Add(new TopologyGroup(new GroupId(group.Id), members, group.Writable && !topology.WarmingUp, volumes, new VolumeId(group.HighestVolume)));
        }

        return new StoreTopology(groups);
    }
}
