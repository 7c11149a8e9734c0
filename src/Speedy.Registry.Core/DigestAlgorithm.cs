namespace Speedy.Registry.Core;

/// <summary>The digest algorithms the registry accepts (OCI image spec, "Digests").</summary>
public enum DigestAlgorithm
{
    Sha256,
    Sha512,
}
