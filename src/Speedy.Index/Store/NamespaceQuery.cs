namespace Speedy.Index.Store;

/// <summary>What <see cref="IIndexStore.ListNamespacesAsync"/> lists, ordered by name.</summary>
public sealed record NamespaceQuery
{
    /// <summary>Only namespaces this account is a member of.</summary>
    public long? MemberId { get; init; }

    public NamespaceKind? Kind { get; init; }

    /// <summary>A part of the name, case-insensitively.</summary>
    public string? Search { get; init; }

    public int Offset { get; init; }

    /// <summary>The page size, 1 to <see cref="IndexLimits.MaxPageSize"/>.</summary>
    public int Limit { get; init; } = 50;
}
