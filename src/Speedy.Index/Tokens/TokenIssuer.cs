using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Speedy.Auth;
using Speedy.Index.Keys;

namespace Speedy.Index.Tokens;

/// <summary>
/// Signs access tokens as Docker's token specification describes them: an ES256 JWT with the ring's current key
/// (<c>kid</c> its thumbprint), claims <c>iss</c>, <c>sub</c> (empty for anonymous), <c>aud</c> (the service),
/// <c>exp</c>, <c>nbf</c>, <c>iat</c>, <c>jti</c> and <c>access</c>, living <see cref="TokenProtocol.TokenLifetime"/>.
/// </summary>
public sealed class TokenIssuer(SigningKeyRing keys, IndexOptions options, TimeProvider timeProvider)
{
    private readonly JsonWebTokenHandler _handler = new() { SetDefaultTimesOnTokenCreation = false };

    public IssuedToken Issue(string subject, IReadOnlyList<ResourceAccess> access)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(access);
        var key = keys.Current;
        // JWT times are whole seconds; the response's issued_at says the same instant as the token's iat.
        var now = DateTimeOffset.FromUnixTimeSeconds(timeProvider.GetUtcNow().ToUnixTimeSeconds());
        var expires = now + TokenProtocol.TokenLifetime;
        var token = _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Issuer,
            Audience = options.Service,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime,
            Expires = expires.UtcDateTime,
            SigningCredentials = new SigningCredentials(key.SecurityKey, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                [JwtRegisteredClaimNames.Sub] = subject,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
                [TokenProtocol.AccessClaim] = access.Select(entry => (object)entry.ToClaim()).ToList(),
            },
        });
        return new IssuedToken(token, now, expires);
    }
}
