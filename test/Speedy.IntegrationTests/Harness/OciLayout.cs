using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Speedy.IntegrationTests.Harness;

/// <summary>Reads (and for image indexes, writes) an OCI image layout directory: `index.json` and `blobs/sha256/`.</summary>
public sealed class OciLayout(string path)
{
    public const string ManifestMediaType = "application/vnd.oci.image.manifest.v1+json";
    public const string IndexMediaType = "application/vnd.oci.image.index.v1+json";
    private const string RefNameAnnotation = "org.opencontainers.image.ref.name";

    public string Path { get; } = path;

    /// <summary>`oci:PATH:TAG`, the reference skopeo and podman use for an image in this layout.</summary>
    public string Reference(string tag) => $"oci:{Path}:{tag}";

    public string BlobPath(string digest)
    {
        var (algorithm, hex) = SplitDigest(digest);
        return System.IO.Path.Combine(Path, "blobs", algorithm, hex);
    }

    public byte[] ReadBlob(string digest) => File.ReadAllBytes(BlobPath(digest));

    /// <summary>The descriptor in `index.json` whose ref.name annotation is <paramref name="tag"/>.</summary>
    public OciDescriptor Resolve(string tag)
    {
        using var index = JsonDocument.Parse(File.ReadAllBytes(System.IO.Path.Combine(Path, "index.json")));
        foreach (var entry in index.RootElement.GetProperty("manifests").EnumerateArray())
        {
            if (entry.TryGetProperty("annotations", out var annotations)
                && annotations.TryGetProperty(RefNameAnnotation, out var name)
                && name.GetString() == tag)
            {
                return ToDescriptor(entry);
            }
        }

        throw new InvalidOperationException($"No manifest tagged '{tag}' in {Path}/index.json.");
    }

    /// <summary>The descriptor and every blob it reaches (manifests of an index, then config and layers), parents first.</summary>
    public IReadOnlyList<OciDescriptor> Closure(OciDescriptor root)
    {
        var result = new List<OciDescriptor>();
        AddClosure(root, result);
        return result;
    }

    /// <summary>Platform-specific manifests of an image index blob.</summary>
    public IReadOnlyList<OciDescriptor> IndexManifests(string indexDigest)
    {
        using var index = JsonDocument.Parse(ReadBlob(indexDigest));
        var result = new List<OciDescriptor>();
        foreach (var entry in index.RootElement.GetProperty("manifests").EnumerateArray())
        {
            result.Add(ToDescriptor(entry));
        }

        return result;
    }

    /// <summary>
    /// Writes an image index blob over <paramref name="manifests"/> (each with its platform) and tags it
    /// <paramref name="tag"/> in `index.json`. Returns the index's descriptor.
    /// </summary>
    public OciDescriptor AddImageIndex(string tag, IReadOnlyList<OciDescriptor> manifests)
    {
        var entries = new JsonArray();
        foreach (var manifest in manifests)
        {
            entries.Add(new JsonObject
            {
                ["mediaType"] = manifest.MediaType,
                ["digest"] = manifest.Digest,
                ["size"] = manifest.Size,
                ["platform"] = new JsonObject
                {
                    ["architecture"] = manifest.Architecture ?? throw new ArgumentException("Every manifest needs an architecture.", nameof(manifests)),
                    ["os"] = manifest.Os ?? "linux",
                },
            });
        }

        var bytes = Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = IndexMediaType,
            ["manifests"] = entries,
        }.ToJsonString());
        var descriptor = new OciDescriptor(IndexMediaType, Sha256Digest(bytes), bytes.Length);
        File.WriteAllBytes(BlobPath(descriptor.Digest), bytes);

        var indexPath = System.IO.Path.Combine(Path, "index.json");
        var index = JsonNode.Parse(File.ReadAllText(indexPath)) as JsonObject
            ?? throw new InvalidDataException($"{indexPath} is not a JSON object.");
        var entriesOfLayout = index["manifests"] as JsonArray
            ?? throw new InvalidDataException($"{indexPath} has no manifests array.");
        entriesOfLayout.Add(new JsonObject
        {
            ["mediaType"] = descriptor.MediaType,
            ["digest"] = descriptor.Digest,
            ["size"] = descriptor.Size,
            ["annotations"] = new JsonObject { [RefNameAnnotation] = tag },
        });
        File.WriteAllText(indexPath, index.ToJsonString());
        return descriptor;
    }

    public static string Sha256Digest(ReadOnlySpan<byte> bytes) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private void AddClosure(OciDescriptor descriptor, List<OciDescriptor> result)
    {
        result.Add(descriptor);
        if (descriptor.MediaType is not (ManifestMediaType or IndexMediaType))
        {
            return;
        }

        using var document = JsonDocument.Parse(ReadBlob(descriptor.Digest));
        var root = document.RootElement;
        if (root.TryGetProperty("manifests", out var manifests))
        {
            foreach (var child in manifests.EnumerateArray())
            {
                AddClosure(ToDescriptor(child), result);
            }
        }

        if (root.TryGetProperty("config", out var config))
        {
            result.Add(ToDescriptor(config));
        }

        if (root.TryGetProperty("layers", out var layers))
        {
            foreach (var layer in layers.EnumerateArray())
            {
                result.Add(ToDescriptor(layer));
            }
        }
    }

    private static OciDescriptor ToDescriptor(JsonElement element)
    {
        string? architecture = null;
        string? os = null;
        if (element.TryGetProperty("platform", out var platform))
        {
            architecture = platform.GetProperty("architecture").GetString();
            os = platform.GetProperty("os").GetString();
        }

        return new OciDescriptor(
            element.GetProperty("mediaType").GetString() ?? throw new InvalidDataException("A descriptor's mediaType is null."),
            element.GetProperty("digest").GetString() ?? throw new InvalidDataException("A descriptor's digest is null."),
            element.GetProperty("size").GetInt64(),
            architecture,
            os);
    }

    private static (string Algorithm, string Hex) SplitDigest(string digest)
    {
        var colon = digest.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0 || digest.AsSpan(colon + 1).ContainsAny('/', '\\', '.'))
        {
            throw new ArgumentException($"Not a digest: '{digest}'.", nameof(digest));
        }

        return (digest[..colon], digest[(colon + 1)..]);
    }
}
