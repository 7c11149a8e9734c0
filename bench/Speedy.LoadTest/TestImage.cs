using System.Security.Cryptography;
using System.Text.Json;

namespace Speedy.LoadTest;

/// <summary>
/// An OCI image of random layers: an image config that lists them as uncompressed tar layers and an OCI manifest,
/// pushed as a client does (<c>HEAD</c> each layer, upload the missing ones, the config, then the manifest by tag).
/// </summary>
internal sealed class TestImage
{
    public TestImage(RegistryClient client, string repository, string tag, IReadOnlyList<Blob> layers)
    {
        Repository = repository;
        Tag = tag;
        Layers = layers;
        Config = WriteConfig(layers);
        ConfigDigest = DigestOf(Config);
        Manifest = WriteManifest(Config.Length, ConfigDigest, layers);
        ManifestDigest = DigestOf(Manifest);
        ManifestUri = client.ManifestUri(repository, tag);
        ConfigUri = client.BlobUri(repository, ConfigDigest);
        LayerUris = [.. layers.Select(layer => client.BlobUri(repository, layer.Digest))];
        LayerBytes = layers.Sum(layer => layer.Length);
    }

    public string Repository { get; }

    public string Tag { get; }

    public IReadOnlyList<Blob> Layers { get; }

    public byte[] Config { get; }

    public string ConfigDigest { get; }

    public byte[] Manifest { get; }

    public string ManifestDigest { get; }

    public Uri ManifestUri { get; }

    public Uri ConfigUri { get; }

    public IReadOnlyList<Uri> LayerUris { get; }

    public long LayerBytes { get; }

    /// <summary>The layers, <paramref name="parallelism"/> at a time, then the config, then the manifest under <see cref="Tag"/>.</summary>
    public async Task PushAsync(RegistryClient client, int parallelism, StepRecorder recorder, CancellationToken cancellationToken)
    {
        await Workers.ForEachAsync(Layers.Count, parallelism, async (_, index) =>
        {
            if (!await client.BlobExistsAsync(Repository, Layers[index], recorder, cancellationToken))
            {
                await client.PushMonolithicAsync(Repository, Layers[index], recorder, cancellationToken);
            }
        });
        await client.PushBytesAsync(Repository, Config, ConfigDigest, recorder, cancellationToken);
        await client.PutManifestAsync(Repository, Tag, Manifest, ManifestDigest, recorder, cancellationToken);
    }

    private static string DigestOf(byte[] bytes) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static byte[] WriteConfig(IReadOnlyList<Blob> layers)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteString("architecture", "amd64");
            json.WriteString("os", "linux");
            json.WriteStartObject("config");
            json.WriteEndObject();
            json.WriteStartObject("rootfs");
            json.WriteString("type", "layers");
            json.WriteStartArray("diff_ids");
            foreach (var layer in layers)
            {
                // Uncompressed layers: the diff id is the layer's own digest.
                json.WriteStringValue(layer.Digest);
            }

            json.WriteEndArray();
            json.WriteEndObject();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static byte[] WriteManifest(long configSize, string configDigest, IReadOnlyList<Blob> layers)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream))
        {
            json.WriteStartObject();
            json.WriteNumber("schemaVersion", 2);
            json.WriteString("mediaType", RegistryClient.OciManifest);
            WriteDescriptor(json, "config", "application/vnd.oci.image.config.v1+json", configDigest, configSize);
            json.WriteStartArray("layers");
            foreach (var layer in layers)
            {
                WriteDescriptor(json, null, "application/vnd.oci.image.layer.v1.tar", layer.Digest, layer.Length);
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteDescriptor(Utf8JsonWriter json, string? name, string mediaType, string digest, long size)
    {
        if (name is null)
        {
            json.WriteStartObject();
        }
        else
        {
            json.WriteStartObject(name);
        }

        json.WriteString("mediaType", mediaType);
        json.WriteString("digest", digest);
        json.WriteNumber("size", size);
        json.WriteEndObject();
    }
}
