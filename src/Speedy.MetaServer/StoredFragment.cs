namespace Speedy.MetaServer;

/// <summary>A row of the fragment table as it is stored, for consistency checks.</summary>
internal readonly record struct StoredFragment(long Node, int Index, long Offset, int Length);
