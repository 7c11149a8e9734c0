using Speedy.Volume;

namespace Speedy.ImageServer;

/// <summary>Every group of chunk servers the store has.</summary>
public sealed record StoreTopology(IReadOnlyList<TopologyGroup> Groups)
{
    public TopologyGroup? Find(GroupId id)
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
