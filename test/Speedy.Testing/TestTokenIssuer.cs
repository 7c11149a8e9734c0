using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Speedy.Auth;

namespace Speedy.Testing;

/// <summary>
/// A stand-in for the index's token service in tests: a fresh P-256 key whose <c>kid</c> is its RFC 7638 thumbprint,
/// tokens made by <see cref="JsonWebTokenHandler"/> exactly as the protocol describes them, and the public key as a
/// JSON Web Key Set.
/// </summary>
public sealed class TestTokenIssuer : IDisposable
{
    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly JsonWebTokenHandler _handler = new();

    public TestTokenIssuer(string issuer = TokenProtocol.DefaultIssuer, string audience = TokenProtocol.DefaultService)
    {
        Issuer = issuer;
        Audience = audience;
        var parameters = _key.ExportParameters(includePrivateParameters: false);
        PublicJwk = new JsonWebKey
        {
            Kty = JsonWebAlgorithmsKeyTypes.EllipticCurve,
            Crv = JsonWebKeyECTypes.P256,
            X = Base64UrlEncoder.Encode(parameters.Q.X),
            Y = Base64UrlEncoder.Encode(parameters.Q.Y),
            Use = JsonWebKeyUseNames.Sig,
            Alg = SecurityAlgorithms.EcdsaSha256,
        };
        KeyId = Base64UrlEncoder.Encode(PublicJwk.ComputeJwkThumbprint());
        PublicJwk.Kid = KeyId;
        SigningKey = new ECDsaSecurityKey(_key) { KeyId = KeyId };
    }

    public string Issuer { get; }

    public string Audience { get; }

    public string KeyId { get; }

    /// <summary>The private key, for tokens signed by hand in security tests.</summary>
    public ECDsaSecurityKey SigningKey { get; }

    /// <summary>The public key only, as the index publishes it.</summary>
    public JsonWebKey PublicJwk { get; }

    /// <summary>The public key as the registry would hold it.</summary>
    public IReadOnlyList<SecurityKey> PublicKeys => [PublicJwk];

    /// <summary>The key set document: <c>{"keys":[{"kty":"EC",…}]}</c>.</summary>
    public string Jwks()
    {
        var key = new JsonObject
        {
            ["kty"] = PublicJwk.Kty,
            ["crv"] = PublicJwk.Crv,
            ["x"] = PublicJwk.X,
            ["y"] = PublicJwk.Y,
            ["use"] = PublicJwk.Use,
            ["alg"] = PublicJwk.Alg,
            ["kid"] = PublicJwk.Kid,
        };
        return new JsonObject { ["keys"] = new JsonArray(key) }.ToJsonString();
    }

    /// <summary>A valid token for <paramref name="subject"/> granting <paramref name="access"/>.</summary>
    /// <param name="adjust">Changes to the descriptor before signing (another audience, an expiry in the past…).</param>
    public string Issue(string? subject, IEnumerable<ResourceAccess> access, Action<SecurityTokenDescriptor>? adjust = null)
    {
        ArgumentNullException.ThrowIfNull(access);
        var now = DateTime.UtcNow;
        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + TokenProtocol.TokenLifetime,
            SigningCredentials = new SigningCredentials(SigningKey, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object>(StringComparer.Ordinal)
            {
                ["sub"] = subject ?? string.Empty,
                ["jti"] = Guid.NewGuid().ToString("N"),
                [TokenProtocol.AccessClaim] = access.Select(a => a.ToClaim()).ToArray(),
            },
        };
        adjust?.Invoke(descriptor);
        return _handler.CreateToken(descriptor);
    }

    /// <summary>A token granting the parsed scopes (each must parse).</summary>
    public string Issue(string? subject, params string[] scopes) =>
        Issue(subject, scopes.Select(s => ResourceAccess.Parse(s) ?? throw new ArgumentException($"invalid scope {s}", nameof(scopes))));

    public void Dispose() => _key.Dispose();
}
