namespace Speedy.IntegrationTests.Cluster;

/// <summary>A chunk server as a master's topology lists it.</summary>
public sealed record MasterMember(string Url, bool Healthy, double LastSeenSecondsAgo);
