using Microsoft.AspNetCore.Http;

namespace Speedy.Index.Keys;

/// <summary><c>GET /.well-known/jwks.json</c>: every published public key, for the registries to verify tokens with.</summary>
internal static class JwksEndpoint
{
    /// <summary>Registries may cache the set this long; the ring's publish delay must be longer.</summary>
    public const int MaxAgeSeconds = 60;

    public static Task GetAsync(HttpContext context, SigningKeyRing ring)
    {
        var keys = ring.PublishedKeys
            .Select(key => new JwksKey(key.PublicJwk.Kty, key.PublicJwk.Use, key.PublicJwk.Alg, key.KeyId, key.PublicJwk.Crv, key.PublicJwk.X, key.PublicJwk.Y))
            .ToList();
        context.Response.Headers.CacheControl = $"public, max-age={MaxAgeSeconds}";
        return context.Response.WriteAsJsonAsync(
            new JwksDocument(keys), IndexJsonContext.Default.JwksDocument, contentType: "application/jwk-set+json", context.RequestAborted);
    }
}
