namespace Speedy.MetaServer;

/// <summary>A row of the node table as it is stored, for consistency checks.</summary>
internal readonly record struct StoredNode(long Id, string Parent, string Name, NodeKind Kind, long Size, bool HasContent);
