namespace Speedy.Cluster;

/// <summary>
/// One chunk server of a <see cref="LocalCluster"/>: its number (from 1), group, URL and volume directory, and whether
/// it writes large needles past the page cache (every member of a group but the first, which the process reads from).
/// </summary>
public sealed record LocalChunkServer(int Number, uint Group, Uri Url, string Directory, bool DirectWrites);
