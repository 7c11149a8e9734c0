using Speedy.Registry.Core;
using Speedy.Registry.Core.Manifests;

namespace Speedy.Index.Web.Registry;

/// <summary>
/// What the web UI reads from (and deletes in) the registry: tags, manifests, image configs and referrers. The index
/// store knows repositories by name only; their content is the registry's. Every method throws
/// <see cref="RegistryUnavailableException"/> when the registry cannot be reached or refuses the index.
/// </summary>
public interface IRegistryBrowser
{
    /// <summary>Every tag of the repository as the registry lists them (lexically); empty when it has none.</summary>
    Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken);

    /// <summary>The manifest a tag or digest names, or null when there is none.</summary>
    Task<RegistryManifest?> GetManifestAsync(string repository, string reference, CancellationToken cancellationToken);

    /// <summary>A small blob (an image config), or null when it is missing or larger than <paramref name="maxBytes"/>.</summary>
    Task<byte[]?> GetBlobAsync(string repository, Digest digest, int maxBytes, CancellationToken cancellationToken);

    /// <summary>The manifests whose subject is <paramref name="digest"/>: signatures, SBOMs, attestations.</summary>
    Task<IReadOnlyList<Descriptor>> ListReferrersAsync(string repository, Digest digest, CancellationToken cancellationToken);

    /// <summary>Removes a tag (the manifest stays, reachable by digest); false when the tag did not exist.</summary>
    /// <param name="repository">The repository.</param>
    /// <param name="tag">The tag.</param>
    /// <param name="actor">Who deletes it, the subject of the token the registry sees.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    Task<bool> DeleteTagAsync(string repository, string tag, string actor, CancellationToken cancellationToken);
}
