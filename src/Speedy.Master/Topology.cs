namespace Speedy.Master;

/// <summary>
/// <c>GET /v1/topology</c>: every group the master hears of. <see cref="Generation"/> grows whenever groups,
/// members, health, writability or writable volumes change (within one <see cref="MasterIdentity.Instance"/>).
/// <see cref="WarmingUp"/>: the master started less than one heartbeat timeout ago, so members may still be
/// missing from its view; every group is read-only until then.
/// </summary>
public sealed record Topology(MasterIdentity Master, long Generation, bool WarmingUp, double HeartbeatTimeoutSeconds, IReadOnlyList<GroupTopology> Groups)
{
    /// <summary>The group with id <paramref name="id"/>, or null.</summary>
    public GroupTopology? Find(uint id)
    {
        foreach (var group in Groups)
        {
            if (group.Id == id)
            {
                return group;
            }
        }

        return null;
    }
}
