namespace Speedy.Cluster;

/// <summary>One chunk server of a <see cref="LocalCluster"/>: its number (from 1), group, URL and volume directory.</summary>
public sealed record LocalChunkServer(int Number, uint Group, Uri Url, string Directory);
