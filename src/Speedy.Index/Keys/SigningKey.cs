using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Speedy.Index.Keys;

/// <summary>One ES256 (P-256) key of the ring: its private key, its public half, its id and when it was made.</summary>
public sealed class SigningKey : IDisposable
{
    private readonly ECDsa _privateKey;
    private readonly ECDsa _publicKey;

    internal SigningKey(ECDsa privateKey, DateTimeOffset created, string path)
    {
        _privateKey = privateKey;
        _publicKey = ECDsa.Create(privateKey.ExportParameters(includePrivateParameters: false));
        Created = created;
        Path = path;
        PublicJwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(_publicKey));
        KeyId = Base64UrlEncoder.Encode(PublicJwk.ComputeJwkThumbprint());
        PublicJwk.KeyId = KeyId;
        PublicJwk.Use = JsonWebKeyUseNames.Sig;
        PublicJwk.Alg = SecurityAlgorithms.EcdsaSha256;
        SecurityKey = new ECDsaSecurityKey(_privateKey) { KeyId = KeyId };
        PublicSecurityKey = new ECDsaSecurityKey(_publicKey) { KeyId = KeyId };
    }

    /// <summary>The RFC 7638 thumbprint of the public key, base64url: the tokens' <c>kid</c>.</summary>
    public string KeyId { get; }

    public DateTimeOffset Created { get; }

    /// <summary>The PEM file the key lives in.</summary>
    public string Path { get; }

    /// <summary>The public key as a JWK (kty, crv, x, y, kid, use, alg), as the JWKS publishes it.</summary>
    public JsonWebKey PublicJwk { get; }

    /// <summary>The public key, for validating tokens.</summary>
    public SecurityKey PublicSecurityKey { get; }

    /// <summary>The private key, for signing.</summary>
    internal SecurityKey SecurityKey { get; }

    public void Dispose()
    {
        _privateKey.Dispose();
        _publicKey.Dispose();
    }
}
