using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Speedy.Auth;

/// <summary>
/// Validates the index's access tokens on the registry, offline, with <see cref="JsonWebTokenHandler"/>: the signature
/// must be ES256 or RS256 by a key the <see cref="ISigningKeySource"/> knows under the token's <c>kid</c> (no <c>alg:
/// none</c>, no HMAC, no key named by the token itself), the issuer and audience must match, <c>exp</c> is required and
/// <c>exp</c>/<c>nbf</c> are checked with <see cref="ClockSkew"/>. What the token grants is read from its
/// <c>access</c> claim; an entry that does not parse strictly is dropped, never read generously.
/// </summary>
public sealed class TokenValidator
{
    /// <summary>How far the registry's and the index's clocks may disagree.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

    /// <summary>Tokens longer than this are refused unread; a real one is well under 8 KiB.</summary>
    public const int MaxTokenLength = 64 << 10;

    private readonly ISigningKeySource _keys;
    private readonly TokenValidationParameters _parameters;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <param name="issuer">The <c>iss</c> a token must carry (the index's name).</param>
    /// <param name="audience">The <c>aud</c> a token must carry (this registry's service name).</param>
    /// <param name="keys">The index's public keys.</param>
    public TokenValidator(string issuer, string audience, ISigningKeySource keys)
    {
        ArgumentException.ThrowIfNullOrEmpty(issuer);
        ArgumentException.ThrowIfNullOrEmpty(audience);
        ArgumentNullException.ThrowIfNull(keys);
        _keys = keys;
        _parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidateIssuer = true,
            ValidAudience = audience,
            ValidateAudience = true,
            RequireAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = ClockSkew,
            RequireSignedTokens = true,
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256, SecurityAlgorithms.RsaSha256],
            ValidateIssuerSigningKey = true,
            TryAllIssuerSigningKeys = false,
        };
    }

    public async ValueTask<TokenValidationOutcome> ValidateAsync(string token, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(token);
        if (token.Length > MaxTokenLength || !_handler.CanReadToken(token))
        {
            return TokenValidationOutcome.Invalid("the token is not a JSON Web Token");
        }

        JsonWebToken jwt;
        try
        {
            jwt = _handler.ReadJsonWebToken(token);
        }
        catch (Exception ex) when (ex is SecurityTokenMalformedException or ArgumentException)
        {
            return TokenValidationOutcome.Invalid("the token is not a JSON Web Token");
        }

        if (string.IsNullOrEmpty(jwt.Kid))
        {
            return TokenValidationOutcome.Invalid("the token names no signing key (kid)");
        }

        var parameters = _parameters.Clone();
        parameters.IssuerSigningKeys = await _keys.GetKeysAsync(jwt.Kid, cancellationToken);
        var result = await _handler.ValidateTokenAsync(jwt, parameters);
        if (!result.IsValid)
        {
            return TokenValidationOutcome.Invalid(Describe(result.Exception));
        }

        return TokenValidationOutcome.Valid(jwt.Subject, ReadAccess(jwt));
    }

    /// <summary>The valid entries of the <c>access</c> claim (none when it is missing or not an array).</summary>
    private static List<ResourceAccess> ReadAccess(JsonWebToken jwt)
    {
        var granted = new List<ResourceAccess>();
        if (jwt.TryGetPayloadValue<JsonElement>(TokenProtocol.AccessClaim, out var access) && access.ValueKind == JsonValueKind.Array)
        {
            foreach (var element in access.EnumerateArray())
            {
                if (ResourceAccess.FromJson(element) is { } entry)
                {
                    granted.Add(entry);
                }
            }
        }

        return granted;
    }

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "the token has expired",
        SecurityTokenNotYetValidException => "the token is not valid yet",
        SecurityTokenNoExpirationException => "the token has no expiry",
        SecurityTokenInvalidIssuerException => "the token was issued by someone else",
        SecurityTokenInvalidAudienceException => "the token is for another service",
        SecurityTokenInvalidAlgorithmException => "the token is signed with an algorithm other than ES256 or RS256",
        SecurityTokenSignatureKeyNotFoundException => "the token is signed by an unknown key",
        SecurityTokenInvalidSignatureException => "the token's signature is invalid",
        _ => "the token is invalid",
    };
}
