namespace Speedy.Master;

/// <summary>
/// A topology as a <see cref="MasterClient"/> holds it: which master sent it, when, and how old it is now.
/// <see cref="Stale"/>: the last attempt to refresh it found no master answering, so this is the last one known.
/// </summary>
public sealed record TopologySnapshot(Topology Topology, Uri Master, DateTimeOffset FetchedAt, TimeSpan Age, bool Stale);
