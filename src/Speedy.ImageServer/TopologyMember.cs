namespace Speedy.ImageServer;

/// <summary>
/// A chunk server of a group: its base URL, whether the master hears from it, its free space and load, and whether it
/// is still <see cref="Syncing"/>.
/// </summary>
public sealed record TopologyMember(string Url, bool Healthy, long FreeBytes, int Load)
{
    /// <summary>
    /// The member is a replacement still copying its group's volumes: it is never read from (not even as a last
    /// resort) and its group takes no new fragments.
    /// </summary>
    public bool Syncing { get; init; }
}
