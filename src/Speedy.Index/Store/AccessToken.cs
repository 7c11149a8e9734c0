namespace Speedy.Index.Store;

/// <summary>
/// A personal access token: used as a password, it acts as its user limited to <see cref="Scopes"/>. Only the SHA-256
/// of its secret is stored; the secret is shown once, when it is created.
/// </summary>
public sealed record AccessToken
{
    public required long Id { get; init; }

    public required long AccountId { get; init; }

    public required string Name { get; init; }

    /// <summary>The actions it allows: <c>pull</c>, <c>push</c>, <c>delete</c>.</summary>
    public required IReadOnlyList<string> Scopes { get; init; }

    public required DateTimeOffset Created { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>The last time it was used, to the minute.</summary>
    public DateTimeOffset? LastUsed { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    /// <summary>Neither revoked nor expired at <paramref name="now"/>.</summary>
    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is not { } expires || expires > now);
}
