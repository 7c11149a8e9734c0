using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Speedy.Registry.Core;
using Speedy.Registry.Core.Manifests;

namespace Speedy.Registry.Storage;

internal sealed partial class RegistryStore
{
    /// <summary>
    /// Refuses a manifest whose blobs (config, layers) or child manifests are not in the repository, naming
    /// every missing one. Non-distributable layers that carry <c>urls</c> live elsewhere and are not checked.
    /// </summary>
    public async ValueTask VerifyReferencesAsync(string name, ParsedManifest manifest, CancellationToken cancellationToken)
    {
        List<string>? missing = null;
        if (manifest.Config is { } config && !await IsBlobLinkedAsync(name, config.Digest, cancellationToken))
        {
            (missing ??= []).Add(config.Digest.ToString());
        }

        foreach (var layer in manifest.Layers)
        {
            if (layer.Urls is { Count: > 0 })
            {
                continue;
            }

            if (!await IsBlobLinkedAsync(name, layer.Digest, cancellationToken))
            {
                (missing ??= []).Add(layer.Digest.ToString());
            }
        }

        foreach (var child in manifest.Manifests)
        {
            if (!await ExistsAsync(RegistryPaths.ManifestRevisionLink(name, child.Digest), cancellationToken))
            {
                (missing ??= []).Add(child.Digest.ToString());
            }
        }

        if (missing is not null)
        {
            throw new RegistryException(
                OciErrorCode.ManifestBlobUnknown,
                $"manifest references {missing.Count} blob(s) or manifest(s) unknown to repository {name}",
                new Dictionary<string, object> { ["missing"] = missing });
        }
    }

    /// <summary>Stores a verified manifest, links it into the repository, records its referrer entry and moves the tag.</summary>
    public async ValueTask PutManifestAsync(string name, string? tag, Digest digest, ParsedManifest manifest, byte[] content, CancellationToken cancellationToken)
    {
        if (await StatBlobAsync(digest, cancellationToken) is null)
        {
            await _driver.PutContentAsync(RegistryPaths.Blob(digest), content, cancellationToken);
        }

        var link = $"{digest}\n{manifest.MediaType}";
        await _driver.PutContentAsync(RegistryPaths.ManifestRevisionLink(name, digest), Encoding.UTF8.GetBytes(link), cancellationToken);
        if (manifest.Subject is { } subject)
        {
            var descriptor = ReferrerDescriptor.Serialize(manifest, digest, content.Length);
            await _driver.PutContentAsync(RegistryPaths.Referrer(name, subject.Digest, digest), descriptor, cancellationToken);
        }

        if (tag is not null)
        {
            await _driver.PutContentAsync(RegistryPaths.TagCurrentLink(name, tag), Encoding.ASCII.GetBytes(digest.ToString()), cancellationToken);
        }

        await AddToCatalogAsync(name, cancellationToken);
        Cache(new StoredManifest(digest, manifest.MediaType, content));
    }

    /// <summary>The manifest if the repository holds it, else null.</summary>
    public async ValueTask<StoredManifest?> GetManifestAsync(string name, Digest digest, CancellationToken cancellationToken)
    {
        var link = await TryGetContentAsync(RegistryPaths.ManifestRevisionLink(name, digest), cancellationToken);
        if (link is null)
        {
            return null;
        }

        // The media type is the repository's link's: the same bytes may have been pushed to another repository
        // under another Content-Type, so a cached manifest is used only when its type matches.
        var newline = Array.IndexOf(link, (byte)'\n');
        if (_manifests.TryGetValue(digest, out StoredManifest? cached) && cached is not null
            && (newline < 0 ? cached.MediaType == MediaTypes.OciManifest : Ascii.Equals(link.AsSpan(newline + 1), cached.MediaType)))
        {
            return cached;
        }

        var mediaType = newline < 0 ? MediaTypes.OciManifest : Encoding.UTF8.GetString(link.AsSpan(newline + 1));
        var content = await TryGetContentAsync(RegistryPaths.Blob(digest), cancellationToken);
        if (content is null)
        {
            return null;
        }

        var manifest = new StoredManifest(digest, mediaType, content);
        Cache(manifest);
        return manifest;
    }

    /// <summary>The digest a tag points at, or null when the tag does not exist.</summary>
    public async ValueTask<Digest?> ResolveTagAsync(string name, string tag, CancellationToken cancellationToken)
    {
        var link = await TryGetContentAsync(RegistryPaths.TagCurrentLink(name, tag), cancellationToken);
        return link is not null && Digest.TryParse(Encoding.ASCII.GetString(link), out var digest) ? digest : null;
    }

    public async ValueTask<bool> DeleteTagAsync(string name, string tag, CancellationToken cancellationToken) =>
        await ExistsAsync(RegistryPaths.TagCurrentLink(name, tag), cancellationToken)
        && await TryDeleteAsync(RegistryPaths.Tag(name, tag), cancellationToken);

    /// <summary>
    /// Removes a manifest from the repository: its revision link, every tag that points at it, and its
    /// referrer entry. The bytes stay in the blob store (other repositories may hold the same manifest).
    /// </summary>
    public async ValueTask<bool> DeleteManifestAsync(string name, Digest digest, CancellationToken cancellationToken)
    {
        var manifest = await GetManifestAsync(name, digest, cancellationToken);
        if (manifest is null)
        {
            return false;
        }

        foreach (var tagPath in await TryListAsync(RegistryPaths.Tags(name), cancellationToken))
        {
            var tag = RegistryPaths.LastSegment(tagPath);
            if (await ResolveTagAsync(name, tag, cancellationToken) == digest)
            {
                await TryDeleteAsync(tagPath, cancellationToken);
            }
        }

        if (TryParseSubject(manifest) is { } subject)
        {
            await TryDeleteAsync(RegistryPaths.Referrer(name, subject, digest), cancellationToken);
        }

        return await TryDeleteAsync(RegistryPaths.ManifestRevisionLink(name, digest), cancellationToken);
    }

    /// <summary>Tags after <paramref name="last"/>, lexically ordered; null when the repository is unknown.</summary>
    public async ValueTask<Page?> ListTagsAsync(string name, string? last, int limit, CancellationToken cancellationToken)
    {
        if (!await RepositoryExistsAsync(name, cancellationToken))
        {
            return null;
        }

        var entries = await TryListAsync(RegistryPaths.Tags(name), cancellationToken);
        var tags = new List<string>(entries.Count);
        foreach (var entry in entries)
        {
            tags.Add(RegistryPaths.LastSegment(entry));
        }

        return Page.From(tags, last, limit);
    }

    /// <summary>The descriptors (as stored JSON) of the repository's manifests whose subject is <paramref name="subject"/>.</summary>
    public async ValueTask<List<byte[]>> ListReferrersAsync(string name, Digest subject, CancellationToken cancellationToken)
    {
        var entries = await TryListAsync(RegistryPaths.Referrers(name, subject), cancellationToken);
        var descriptors = new List<byte[]>(entries.Count);
        foreach (var entry in entries)
        {
            if (await TryGetContentAsync(entry, cancellationToken) is { } descriptor)
            {
                descriptors.Add(descriptor);
            }
        }

        return descriptors;
    }

    private static Digest? TryParseSubject(StoredManifest manifest)
    {
        try
        {
            return ManifestParser.Parse(manifest.Content, manifest.MediaType).Subject?.Digest;
        }
        catch (RegistryException)
        {
            return null;
        }
    }

    private void Cache(StoredManifest manifest) =>
        _manifests.Set(manifest.Digest, manifest, new MemoryCacheEntryOptions { Size = manifest.Content.Length + 256 });
}
