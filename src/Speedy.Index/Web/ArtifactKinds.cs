using Speedy.Registry.Core.Manifests;

namespace Speedy.Index.Web;

/// <summary>What a referrer or an index entry is, in words: a signature, an SBOM, an attestation, or its media type.</summary>
internal static class ArtifactKinds
{
    public static string Describe(string? artifactType) => artifactType switch
    {
        null or "" => "artifact",
        "application/vnd.dev.cosign.artifact.sig.v1+json" or "application/vnd.cncf.notary.signature" => "signature",
        "application/vnd.dev.sigstore.bundle.v0.3+json" or "application/vnd.dev.sigstore.bundle+json;version=0.3" => "signature (Sigstore bundle)",
        "application/spdx+json" or "text/spdx" or "application/vnd.cyclonedx+json" or "application/vnd.cyclonedx" or "application/vnd.syft+json" => "SBOM",
        "application/vnd.in-toto+json" or "application/vnd.dsse.envelope.v1+json" => "attestation",
        _ => artifactType,
    };

    /// <summary><c>linux/arm64/v8</c>, or what else an index entry is (buildx stores attestations as <c>unknown/unknown</c> entries).</summary>
    public static string Platform(Descriptor descriptor)
    {
        if (descriptor.Annotations is { } annotations &&
            annotations.TryGetValue("vnd.docker.reference.type", out var type) && type == "attestation-manifest")
        {
            return "attestations";
        }

        return descriptor.Platform is { } platform
            ? platform.Variant is { Length: > 0 } variant ? $"{platform.Os}/{platform.Architecture}/{variant}" : $"{platform.Os}/{platform.Architecture}"
            : "(no platform)";
    }
}
