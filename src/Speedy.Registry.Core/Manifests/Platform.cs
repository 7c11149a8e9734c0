namespace Speedy.Registry.Core.Manifests;

/// <summary>The platform of an index entry (OCI image index, "platform").</summary>
public sealed record Platform(string Architecture, string Os, string? Variant);
