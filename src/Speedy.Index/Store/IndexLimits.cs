namespace Speedy.Index.Store;

/// <summary>Bounds the store enforces on what it is given.</summary>
public static class IndexLimits
{
    public const int MaxPageSize = 500;

    /// <summary>The longest user, organization or token name.</summary>
    public const int MaxNameLength = 64;

    /// <summary>The longest repository or namespace description (Markdown), in characters.</summary>
    public const int MaxDescriptionLength = 64 * 1024;
}
