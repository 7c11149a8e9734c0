namespace Speedy.Index.Store;

/// <summary>An OAuth2 refresh token (an opaque secret; only its SHA-256 is stored), as docker keeps after login.</summary>
public sealed record RefreshToken
{
    public required long Id { get; init; }

    public required long AccountId { get; init; }

    /// <summary>The <c>client_id</c> the client named, e.g. <c>docker</c>.</summary>
    public required string ClientId { get; init; }

    public required DateTimeOffset Created { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public DateTimeOffset? RevokedAt { get; init; }

    public bool IsActiveAt(DateTimeOffset now) => RevokedAt is null && ExpiresAt > now;
}
