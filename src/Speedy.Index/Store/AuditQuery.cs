namespace Speedy.Index.Store;

/// <summary>What <see cref="IIndexStore.ListAuditAsync"/> lists: newest first, optionally filtered.</summary>
public sealed record AuditQuery
{
    public string? Actor { get; init; }

    public string? Action { get; init; }

    public string? Target { get; init; }

    /// <summary>Only entries older than this id: the last id of the previous page.</summary>
    public long? BeforeId { get; init; }

    /// <summary>The page size, 1 to <see cref="IndexLimits.MaxPageSize"/>.</summary>
    public int Limit { get; init; } = 100;
}
