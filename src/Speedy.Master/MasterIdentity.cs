namespace Speedy.Master;

/// <summary>
/// Which master answered: its <c>--index</c>, a random id of this run (a restart is a new instance, whose
/// <see cref="Topology.Generation"/> starts again) and when the run started.
/// </summary>
public sealed record MasterIdentity(int Index, string Instance, DateTimeOffset StartedAt);
