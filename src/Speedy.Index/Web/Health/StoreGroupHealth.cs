namespace Speedy.Index.Web.Health;

/// <summary>One volume group: whether it takes writes (and why not), and its chunk servers.</summary>
public sealed record StoreGroupHealth(uint Id, bool Writable, string? Reason, IReadOnlyList<ChunkServerHealth> Servers);
