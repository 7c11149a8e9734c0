namespace Speedy.Index.Tokens;

/// <summary>A signed access token and its times, as the token endpoint returns them.</summary>
public sealed record IssuedToken(string Token, DateTimeOffset IssuedAt, DateTimeOffset ExpiresAt);
