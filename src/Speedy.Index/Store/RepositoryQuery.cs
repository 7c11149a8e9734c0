namespace Speedy.Index.Store;

/// <summary>What <see cref="IIndexStore.SearchRepositoriesAsync"/> lists: explore, a namespace's page, a user's stars.</summary>
public sealed record RepositoryQuery
{
    /// <summary>Words to find in the name or the description, case-insensitively; null or empty for everything.</summary>
    public string? Search { get; init; }

    /// <summary>Only this namespace's repositories.</summary>
    public string? Namespace { get; init; }

    /// <summary>Only the repositories this account starred.</summary>
    public long? StarredBy { get; init; }

    /// <summary>
    /// Who is looking: public repositories are listed for everyone, private ones only to members of their namespace
    /// (null: anonymous, only public).
    /// </summary>
    public long? ViewerId { get; init; }

    /// <summary>Administrators see every repository.</summary>
    public bool ViewerIsAdmin { get; init; }

    public RepositorySort Sort { get; init; } = RepositorySort.Name;

    public int Offset { get; init; }

    /// <summary>The page size, 1 to <see cref="IndexLimits.MaxPageSize"/>.</summary>
    public int Limit { get; init; } = 50;
}
