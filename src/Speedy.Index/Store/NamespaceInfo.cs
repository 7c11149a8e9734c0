namespace Speedy.Index.Store;

/// <summary>The first component of repository names: a user's own, or an organization with members.</summary>
public sealed record NamespaceInfo
{
    public required long Id { get; init; }

    public required string Name { get; init; }

    public required NamespaceKind Kind { get; init; }

    public string Description { get; init; } = string.Empty;

    public required DateTimeOffset Created { get; init; }
}
