namespace Speedy.Index.Store;

/// <summary>One page of a listing and the number of items of the whole listing.</summary>
public sealed record PagedList<T>(IReadOnlyList<T> Items, long Total);
