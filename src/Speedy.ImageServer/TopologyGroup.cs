using Speedy.Volume;

namespace Speedy.ImageServer;

/// <summary>
/// One group: its members (which hold the same volumes), whether it takes new fragments, the volumes open for
/// writes on every member, and the highest volume id any member has (a new volume is the next one).
/// </summary>
public sealed record TopologyGroup(GroupId Id, IReadOnlyList<TopologyMember> Members, bool Writable, IReadOnlyList<VolumeId> WritableVolumes, VolumeId HighestVolume)
{
    /// <summary>What the group can still take: the free space of its fullest member.</summary>
    public long FreeBytes
    {
        get
        {
            var free = long.MaxValue;
            foreach (var member in Members)
            {
                free = Math.Min(free, member.FreeBytes);
            }

            return Members.Count == 0 ? 0 : free;
        }
    }
}
