namespace Speedy.MetaServer;

/// <summary>Every row of a store, read in one snapshot, for consistency checks.</summary>
internal sealed record MetaStoreDump(IReadOnlyList<StoredNode> Nodes, IReadOnlyList<StoredFragment> Fragments);
