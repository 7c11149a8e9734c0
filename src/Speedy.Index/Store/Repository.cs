namespace Speedy.Index.Store;

/// <summary>A repository's metadata: the registry holds its content, the index what people see about it.</summary>
public sealed record Repository
{
    public required long Id { get; init; }

    /// <summary>The full name, <c>namespace/path</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The first component of <see cref="Name"/>.</summary>
    public required string Namespace { get; init; }

    /// <summary>Public repositories can be pulled by anyone, anonymous included.</summary>
    public required bool IsPublic { get; init; }

    /// <summary>Markdown, as written; render it sanitized.</summary>
    public string Description { get; init; } = string.Empty;

    public required DateTimeOffset Created { get; init; }

    public DateTimeOffset? LastPush { get; init; }

    public DateTimeOffset? LastPull { get; init; }

    public long PullCount { get; init; }

    public long StarCount { get; init; }
}
