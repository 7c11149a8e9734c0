namespace Speedy.ImageServer;

/// <summary>
/// Chooses the group for a new fragment: among the writable groups whose members are all healthy, not syncing and
/// not overloaded and which have room, one at random weighted by free space, so the store fills evenly.
/// </summary>
internal static class GroupPicker
{
    public static TopologyGroup? Pick(StoreTopology topology, long size, int maxMemberLoad, List<TopologyGroup> exclude, Random random)
    {
        double total = 0;
        foreach (var group in topology.Groups)
        {
            if (IsEligible(group, size, maxMemberLoad, exclude))
            {
                total += group.FreeBytes;
            }
        }

        if (total <= 0)
        {
            return null;
        }

        var point = random.NextDouble() * total;
        TopologyGroup? last = null;
        foreach (var group in topology.Groups)
        {
            if (!IsEligible(group, size, maxMemberLoad, exclude))
            {
                continue;
            }

            last = group;
            point -= group.FreeBytes;
            if (point < 0)
            {
                return group;
            }
        }

        return last;
    }

    private static bool IsEligible(TopologyGroup group, long size, int maxMemberLoad, List<TopologyGroup> exclude)
    {
        if (!group.Writable || group.Members.Count == 0 || group.FreeBytes < size || group.FreeBytes <= 0)
        {
            return false;
        }

        foreach (var excluded in exclude)
        {
            if (excluded.Id == group.Id)
            {
                return false;
            }
        }

        foreach (var member in group.Members)
        {
            if (!member.Healthy || member.Syncing || member.Load >= maxMemberLoad)
            {
                return false;
            }
        }

        return true;
    }
}
