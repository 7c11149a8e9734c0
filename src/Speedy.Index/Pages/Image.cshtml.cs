using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Speedy.Index.Store;
using Speedy.Index.Tokens;
using Speedy.Index.Web;
using Speedy.Index.Web.Registry;
using Speedy.Registry.Core.Manifests;

namespace Speedy.Index.Pages;

/// <summary>
/// A tag or digest of a repository: digest, media type, total size; for an image index its platforms (each with its
/// size), for an image its layers, config and history; and its referrers (signatures, SBOMs, attestations).
/// </summary>
internal sealed class ImageModel(IIndexStore store, AccessPolicy policy, IRegistryBrowser registry, IOptions<IndexWebOptions> options) : PageModel
{
    /// <summary>An index with more platforms than this lists the rest without their sizes.</summary>
    public const int MaxPlatformsRead = 32;

    [FromRoute(Name = "reference")]
    public string? Text { get; set; }

    public ImageReference Reference { get; private set; } = null!; // Set before the page renders.

    public RepositoryRights Rights { get; private set; } = RepositoryRights.None;

    public RegistryManifest Manifest { get; private set; } = null!; // Set before the page renders.

    public IReadOnlyList<PlatformEntry> Platforms { get; private set; } = [];

    public ImageConfig? Config { get; private set; }

    public string? ConfigProblem { get; private set; }

    public IReadOnlyList<Descriptor> Referrers { get; private set; } = [];

    public string? ReferrersProblem { get; private set; }

    /// <summary>The manifest, its config and layers (an image), or with every platform's (an index); null when a platform could not be read.</summary>
    public long? TotalSize { get; private set; }

    public string PullCommand => Reference.Tag is { } tag
        ? $"docker pull {options.Value.DisplayRegistryHost}/{Reference.Repository}:{tag}"
        : $"docker pull {options.Value.DisplayRegistryHost}/{Reference.Repository}@{Manifest.Digest}";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!ImageReference.TryParse(Text, out var reference))
        {
            return ErrorPage.NotFound($"The image {Text}");
        }

        Reference = reference;
        if (await RepositoryAccess.LoadAsync(store, policy, HttpContext.GetViewer(), reference.Repository, cancellationToken) is not { } access)
        {
            return ErrorPage.NotFound($"The repository {reference.Repository}");
        }

        Rights = access.Rights;
        if (await registry.GetManifestAsync(reference.Repository, reference.Reference, cancellationToken) is not { } manifest)
        {
            return ErrorPage.NotFound($"The image {reference}");
        }

        Manifest = manifest;
        if (manifest.IsIndex)
        {
            await LoadPlatformsAsync(cancellationToken);
        }
        else
        {
            TotalSize = ImageSize(manifest);
            await LoadConfigAsync(cancellationToken);
        }

        try
        {
            Referrers = await registry.ListReferrersAsync(reference.Repository, manifest.Digest, cancellationToken);
        }
        catch (RegistryUnavailableException e)
        {
            ReferrersProblem = e.Message;
        }

        return Page();
    }

    private async Task LoadPlatformsAsync(CancellationToken cancellationToken)
    {
        var platforms = new List<PlatformEntry>(Manifest.Parsed.Manifests.Count);
        long? total = Manifest.Size;
        foreach (var descriptor in Manifest.Parsed.Manifests)
        {
            long? size = null;
            if (platforms.Count < MaxPlatformsRead &&
                await registry.GetManifestAsync(Reference.Repository, descriptor.Digest.ToString(), cancellationToken) is { IsIndex: false } child)
            {
                size = ImageSize(child);
            }

            total = size is { } known ? total + known : null;
            platforms.Add(new PlatformEntry(descriptor, size));
        }

        Platforms = platforms;
        TotalSize = total;
    }

    private async Task LoadConfigAsync(CancellationToken cancellationToken)
    {
        if (Manifest.Parsed.Config is not { } config)
        {
            return;
        }

        if (config.Size > options.Value.MaxConfigBytes)
        {
            ConfigProblem = $"The config is {Format.Bytes(config.Size)}, more than the {Format.Bytes(options.Value.MaxConfigBytes)} this page reads.";
            return;
        }

        var bytes = await registry.GetBlobAsync(Reference.Repository, config.Digest, options.Value.MaxConfigBytes, cancellationToken);
        Config = bytes is null ? null : RegistryDocuments.ParseConfig(bytes);
        if (Config is null)
        {
            ConfigProblem = bytes is null ? "The registry does not have the config blob." : $"The config ({config.MediaType}) is not an image config.";
        }
    }

    private static long ImageSize(RegistryManifest manifest) =>
        manifest.Size + (manifest.Parsed.Config?.Size ?? 0) + manifest.Parsed.Layers.Sum(layer => layer.Size);
}
