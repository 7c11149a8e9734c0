namespace Speedy.MetaServer;

/// <summary>The <c>kind</c> column of a stored node. The values are on disk: never renumber them.</summary>
internal enum NodeKind : short
{
    Directory = 0,
    Inline = 1,
    Fragmented = 2,
}
