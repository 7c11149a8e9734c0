namespace Speedy.MetaServer;

/// <summary>Argument checks shared by every backend, so they all refuse the same input the same way.</summary>
internal static class MetaStoreArguments
{
    public static void ValidateList(string directory, string? startAfter, int limit)
    {
        MetaPath.Validate(directory, nameof(directory));
        MetaPath.ValidateCursor(startAfter, nameof(startAfter));
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, MetaLimits.MaxListLimit);
    }

    /// <summary>Checks an append's fragments and returns the largest end among them (0 for none).</summary>
    public static long ValidateAppend(string path, IReadOnlyList<MetaFragment> fragments)
    {
        MetaPath.ValidateFile(path, nameof(path));
        ArgumentNullException.ThrowIfNull(fragments);
        var seen = new HashSet<int>(fragments.Count);
        long end = 0;
        for (var i = 0; i < fragments.Count; i++)
        {
            var fragment = fragments[i];
            MetaFragment.Validate(fragment, nameof(fragments));
            if (!seen.Add(fragment.Index))
            {
                throw new ArgumentException($"fragment index {fragment.Index} appears twice", nameof(fragments));
            }

            end = Math.Max(end, fragment.End);
        }

        return end;
    }
}
