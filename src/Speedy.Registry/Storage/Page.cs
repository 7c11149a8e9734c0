namespace Speedy.Registry.Storage;

/// <summary>One page of a lexically ordered listing, and whether more follow.</summary>
internal readonly record struct Page(IReadOnlyList<string> Items, bool HasMore)
{
    /// <summary>Sorts ordinally and takes up to <paramref name="limit"/> items strictly after <paramref name="last"/>.</summary>
    public static Page From(List<string> items, string? last, int limit)
    {
        items.Sort(StringComparer.Ordinal);
        var start = 0;
        if (last is not null)
        {
            var index = items.BinarySearch(last, StringComparer.Ordinal);
            start = index >= 0 ? index + 1 : ~index;
        }

        var count = Math.Min(limit, items.Count - start);
        if (count <= 0)
        {
            return new Page([], false);
        }

        return new Page(items.GetRange(start, count), start + count < items.Count);
    }
}
