namespace Speedy.ImageServer;

/// <summary>A chunk server of a group: its base URL, whether the master hears from it, its free space and load.</summary>
public sealed record TopologyMember(string Url, bool Healthy, long FreeBytes, int Load);
