namespace Speedy.Registry.Core.Manifests;

/// <summary>
/// What the registry needs to know of a manifest: its media type, the blobs and manifests it references
/// (which must exist before it is accepted), its subject (for the referrers API) and its artifact type.
/// </summary>
public sealed record ParsedManifest(
    string MediaType,
    Descriptor? Config,
    IReadOnlyList<Descriptor> Layers,
    IReadOnlyList<Descriptor> Manifests,
    Descriptor? Subject,
    string? ArtifactType,
    IReadOnlyDictionary<string, string>? Annotations)
{
    /// <summary>
    /// The artifact type the referrers API reports: the manifest's <c>artifactType</c>, else its config's
    /// media type (OCI distribution spec, "Listing Referrers").
    /// </summary>
    public string? EffectiveArtifactType => ArtifactType ?? Config?.MediaType;
}
