namespace Speedy.Index.Web.Health;

/// <summary>The storage's state at <see cref="ObservedAt"/>, and who reported it.</summary>
/// <param name="Source">Where it came from, e.g. the master's URL.</param>
/// <param name="ObservedAt">When the source observed it.</param>
/// <param name="Stale">The source did not answer, so this is the last state known.</param>
/// <param name="Groups">The volume groups, each with its chunk servers.</param>
public sealed record StoreHealthReport(string Source, DateTimeOffset ObservedAt, bool Stale, IReadOnlyList<StoreGroupHealth> Groups)
{
    public long FreeBytes => Groups.Sum(group => group.Servers.Sum(server => server.FreeBytes));

    public long UsedBytes => Groups.Sum(group => group.Servers.Sum(server => server.UsedBytes));

    public int ServerCount => Groups.Sum(group => group.Servers.Count);

    public int HealthyServerCount => Groups.Sum(group => group.Servers.Count(server => server.Healthy));
}
