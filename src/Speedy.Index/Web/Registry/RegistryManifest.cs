using Speedy.Registry.Core;
using Speedy.Registry.Core.Manifests;

namespace Speedy.Index.Web.Registry;

/// <summary>A manifest as the registry served it: its digest, media type, size and parsed content.</summary>
public sealed record RegistryManifest(Digest Digest, string MediaType, long Size, ParsedManifest Parsed)
{
    public bool IsIndex => MediaTypes.IsIndex(MediaType);
}
