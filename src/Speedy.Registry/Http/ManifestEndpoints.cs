using System.Buffers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Speedy.Registry.Core;
using Speedy.Registry.Core.Hashing;
using Speedy.Registry.Core.Manifests;
using Speedy.Registry.Storage;

namespace Speedy.Registry.Http;

/// <summary><c>GET</c>/<c>HEAD</c>/<c>PUT</c>/<c>DELETE /v2/&lt;name&gt;/manifests/&lt;tag or digest&gt;</c>.</summary>
internal static class ManifestEndpoints
{
    public static async Task GetAsync(HttpContext context, RegistryContext registry, RegistryRoute route, bool head)
    {
        var cancellationToken = context.RequestAborted;
        var (tag, digest) = ParseReference(route.Argument);
        if (tag is not null)
        {
            digest = await registry.Store.ResolveTagAsync(route.Name, tag, cancellationToken)
                ?? throw new RegistryException(OciErrorCode.ManifestUnknown, $"tag {tag} is not known to repository {route.Name}");
        }

        var manifest = await registry.Store.GetManifestAsync(route.Name, digest!.Value, cancellationToken)
            ?? throw new RegistryException(OciErrorCode.ManifestUnknown, $"manifest {digest} is not known to repository {route.Name}");

        var accept = context.Request.Headers.Accept;
        if (!Accepts(accept, manifest.MediaType))
        {
            manifest = await NegotiateAsync(registry, route.Name, manifest, accept, cancellationToken);
        }

        var response = context.Response;
        response.ContentType = manifest.MediaType;
        response.ContentLength = manifest.Content.Length;
        response.Headers["Docker-Content-Digest"] = manifest.Digest.ToString();
        response.Headers.ETag = $"\"{manifest.Digest}\"";
        if (!head)
        {
            await response.Body.WriteAsync(manifest.Content, cancellationToken);
            registry.Events.ManifestPulled(context, route.Name, route.Argument, manifest.Digest);
        }
    }

    public static async Task PutAsync(HttpContext context, RegistryContext registry, RegistryRoute route)
    {
        var cancellationToken = context.RequestAborted;
        var (tag, referenceDigest) = ParseReference(route.Argument);
        var content = await ReadBodyAsync(context.Request, registry.Options.MaxManifestBytes, cancellationToken);
        var digest = Hash(content, referenceDigest?.Algorithm ?? DigestAlgorithm.Sha256);
        if (referenceDigest is { } expected && expected != digest)
        {
            throw new RegistryException(OciErrorCode.DigestInvalid, $"manifest digest {digest} does not match the reference {expected}");
        }

        var manifest = ManifestParser.Parse(content, context.Request.ContentType);
        await registry.Store.VerifyReferencesAsync(route.Name, manifest, cancellationToken);
        await registry.Store.PutManifestAsync(route.Name, tag, digest, manifest, content, cancellationToken);

        var response = context.Response;
        RequestExtensions.SetNoBody(response, StatusCodes.Status201Created);
        response.Headers.Location = $"/v2/{route.Name}/manifests/{digest}";
        response.Headers["Docker-Content-Digest"] = digest.ToString();
        if (manifest.Subject is { } subject)
        {
            response.Headers["OCI-Subject"] = subject.Digest.ToString();
        }

        registry.Events.ManifestPushed(context, route.Name, tag, digest, manifest.MediaType, content.Length);
    }

    public static async Task DeleteAsync(HttpContext context, RegistryContext registry, RegistryRoute route)
    {
        RequestExtensions.RequireDeleteEnabled(registry.Options);
        var cancellationToken = context.RequestAborted;
        var (tag, digest) = ParseReference(route.Argument);
        if (tag is not null)
        {
            if (!await registry.Store.DeleteTagAsync(route.Name, tag, cancellationToken))
            {
                throw new RegistryException(OciErrorCode.ManifestUnknown, $"tag {tag} is not known to repository {route.Name}");
            }

            registry.Events.TagDeleted(context, route.Name, tag);
        }
        else if (!await registry.Store.DeleteManifestAsync(route.Name, digest!.Value, cancellationToken))
        {
            throw new RegistryException(OciErrorCode.ManifestUnknown, $"manifest {digest} is not known to repository {route.Name}");
        }
        else
        {
            registry.Events.ManifestDeleted(context, route.Name, digest.Value);
        }

        RequestExtensions.SetNoBody(context.Response, StatusCodes.Status202Accepted);
    }

    /// <summary>A reference is a digest (it has a colon) or a tag; exactly one of the two is returned.</summary>
    private static (string? Tag, Digest? Digest) ParseReference(string reference)
    {
        if (reference.Contains(':', StringComparison.Ordinal))
        {
            return (null, RequestExtensions.ParseDigestOrThrow(reference));
        }

        if (!RepositoryName.IsValidTag(reference))
        {
            throw new RegistryException(OciErrorCode.TagInvalid, $"invalid tag \"{RequestExtensions.Shorten(reference)}\"");
        }

        return (reference, null);
    }

    private static Digest Hash(byte[] content, DigestAlgorithm algorithm)
    {
        using var hash = ResumableHash.Create(algorithm);
        hash.Append(content);
        return hash.GetCurrentDigest();
    }

    /// <summary>Reads the whole manifest, refusing more than <paramref name="limit"/> bytes as soon as it is exceeded.</summary>
    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        using var buffer = new MemoryStream((int)(request.ContentLength ?? 16 << 10));
        var chunk = ArrayPool<byte>.Shared.Rent(16 << 10);
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();

                int read;
                try
                {
                    // No token: a disconnect already fails the read, and a read cancelled through RequestAborted
                    // leaves Kestrel's body reader mid-read, so its drain of the rest then fails and logs an error.
                    read = await request.Body.ReadAsync(chunk, CancellationToken.None);
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or BadHttpRequestException)
                {
                    throw RegistryException.WithCause(OciErrorCode.ManifestInvalid, "the request body ended early: " + ex.Message, ex);
                }

                if (read == 0)
                {
                    return buffer.ToArray();
                }

                if (buffer.Length + read > limit)
                {
                    throw TooLarge(limit);
                }

                buffer.Write(chunk, 0, read);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static RegistryException TooLarge(int limit) =>
        new(OciErrorCode.ManifestInvalid, $"manifest is larger than the limit of {limit} bytes", null, StatusCodes.Status413PayloadTooLarge);

    /// <summary>True when the Accept headers admit <paramref name="mediaType"/>; no Accept header admits everything.</summary>
    private static bool Accepts(StringValues accept, string mediaType)
    {
        if (accept.Count == 0)
        {
            return true;
        }

        foreach (var value in accept)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var range in value.AsSpan().Split(','))
            {
                var item = value.AsSpan()[range];
                var semicolon = item.IndexOf(';');
                if (semicolon >= 0)
                {
                    item = item[..semicolon];
                }

                item = item.Trim();
                if (item is "*/*" || item.Equals(mediaType, StringComparison.OrdinalIgnoreCase))
                {
                    return true;
                }
            }
        }

        return false;
    }

    /// <summary>
    /// A client that does not accept the stored type: for an index whose client accepts image manifests,
    /// serve the linux/amd64 image (as Distribution does for old clients); otherwise MANIFEST_UNKNOWN.
    /// </summary>
    private static async Task<StoredManifest> NegotiateAsync(RegistryContext registry, string name, StoredManifest manifest, StringValues accept, CancellationToken cancellationToken)
    {
        if (MediaTypes.IsIndex(manifest.MediaType))
        {
            var index = ManifestParser.Parse(manifest.Content, manifest.MediaType);
            foreach (var child in index.Manifests)
            {
                if (child.Platform is { Os: "linux", Architecture: "amd64" } && Accepts(accept, child.MediaType)
                    && await registry.Store.GetManifestAsync(name, child.Digest, cancellationToken) is { } image)
                {
                    return image;
                }
            }
        }

        throw new RegistryException(
            OciErrorCode.ManifestUnknown,
            $"manifest {manifest.Digest} has media type {manifest.MediaType}, which the Accept header does not admit");
    }
}
