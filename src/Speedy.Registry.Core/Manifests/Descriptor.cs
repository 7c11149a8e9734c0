namespace Speedy.Registry.Core.Manifests;

/// <summary>An OCI content descriptor as it appears inside a manifest or index.</summary>
public sealed record Descriptor(
    string MediaType,
    Digest Digest,
    long Size,
    string? ArtifactType = null,
    IReadOnlyDictionary<string, string>? Annotations = null,
    Platform? Platform = null,
    IReadOnlyList<string>? Urls = null);
