namespace Speedy.Index.Store;

/// <summary>What <see cref="IIndexStore.ListAccountsAsync"/> lists, ordered by name.</summary>
public sealed record AccountQuery
{
    /// <summary>Only users or only robots; null for both.</summary>
    public AccountKind? Kind { get; init; }

    /// <summary>Only robots of this namespace.</summary>
    public string? Namespace { get; init; }

    /// <summary>A part of the name, case-insensitively.</summary>
    public string? Search { get; init; }

    public int Offset { get; init; }

    /// <summary>The page size, 1 to <see cref="IndexLimits.MaxPageSize"/>.</summary>
    public int Limit { get; init; } = 50;
}
