using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Speedy.Registry.Tests.Support;

/// <summary>Client-side helpers: digests, blob and manifest pushes, and the spec's error body.</summary>
internal static class Oci
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";
    public const string OciIndex = "application/vnd.oci.image.index.v1+json";
    public const string DockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
    public const string DockerManifestList = "application/vnd.docker.distribution.manifest.list.v2+json";
    public const string OciConfig = "application/vnd.oci.image.config.v1+json";
    public const string DockerConfig = "application/vnd.docker.container.image.v1+json";
    public const string OciLayer = "application/vnd.oci.image.layer.v1.tar+gzip";
    public const string DockerLayer = "application/vnd.docker.image.rootfs.diff.tar.gzip";
    public const string OciEmpty = "application/vnd.oci.empty.v1+json";

    public static CancellationToken Token => TestContext.Current.CancellationToken;

    public static string Sha256(ReadOnlySpan<byte> data) => "sha256:" + Convert.ToHexStringLower(SHA256.HashData(data));

    public static string Sha512(ReadOnlySpan<byte> data) => "sha512:" + Convert.ToHexStringLower(SHA512.HashData(data));

    public static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static ByteArrayContent Octets(byte[] data, int offset = 0, int? count = null)
    {
        var content = new ByteArrayContent(data, offset, count ?? data.Length - offset);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    /// <summary>Pushes a blob in one POST and returns its digest.</summary>
    public static async Task<string> PushBlobAsync(HttpClient client, string name, byte[] data)
    {
        var digest = Sha256(data);
        using var response = await client.PostAsync($"/v2/{name}/blobs/uploads/?digest={digest}", Octets(data), Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return digest;
    }

    /// <summary>Opens an upload session and returns its Location.</summary>
    public static async Task<string> StartUploadAsync(HttpClient client, string name)
    {
        using var response = await client.PostAsync($"/v2/{name}/blobs/uploads/", null, Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return Location(response);
    }

    public static string Location(HttpResponseMessage response)
    {
        var location = response.Headers.Location;
        Assert.NotNull(location);
        return location.OriginalString;
    }

    /// <summary>Appends a query parameter to a Location that may already carry one.</summary>
    public static string WithQuery(string location, string parameter) =>
        location + (location.Contains('?', StringComparison.Ordinal) ? "&" : "?") + parameter;

    public static string? Header(HttpResponseMessage response, string name)
    {
        if (response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values))
        {
            return string.Join(", ", values);
        }

        return null;
    }

    public static async Task<HttpResponseMessage> PutManifestAsync(HttpClient client, string name, string reference, string? mediaType, byte[] body)
    {
        var content = new ByteArrayContent(body);
        if (mediaType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", mediaType);
        }

        return await client.PutAsync($"/v2/{name}/manifests/{reference}", content, Token);
    }

    /// <summary>Pushes a manifest, expects 201, and returns its digest.</summary>
    public static async Task<string> PushManifestAsync(HttpClient client, string name, string reference, string mediaType, byte[] body)
    {
        using var response = await PutManifestAsync(client, name, reference, mediaType, body);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            Assert.Fail($"manifest push returned {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Token)}");
        }

        var digest = Sha256(body);
        Assert.Equal(digest, Header(response, "Docker-Content-Digest"));
        return digest;
    }

    public static JsonObject Descriptor(string mediaType, string digest, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };

    public static byte[] Json(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    /// <summary>Pushes a config and one layer to the repository and returns an image manifest over them.</summary>
    public static async Task<JsonObject> PushImageContentAsync(HttpClient client, string name, int seed, string mediaType = OciManifest)
    {
        var docker = mediaType == DockerManifest;
        var config = Encoding.UTF8.GetBytes($$"""{"architecture":"amd64","os":"linux","seed":{{seed}}}""");
        var layer = RandomBytes(1000 + seed, seed);
        var configDigest = await PushBlobAsync(client, name, config);
        var layerDigest = await PushBlobAsync(client, name, layer);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = mediaType,
            ["config"] = Descriptor(docker ? DockerConfig : OciConfig, configDigest, config.Length),
            ["layers"] = new JsonArray(Descriptor(docker ? DockerLayer : OciLayer, layerDigest, layer.Length)),
        };
        return manifest;
    }

    /// <summary>Pushes an image (config, layer, manifest) under <paramref name="reference"/> and returns the manifest bytes and digest.</summary>
    public static async Task<(byte[] Body, string Digest)> PushImageAsync(HttpClient client, string name, string reference, int seed = 1, string mediaType = OciManifest)
    {
        var manifest = await PushImageContentAsync(client, name, seed, mediaType);
        var body = Json(manifest);
        var digest = await PushManifestAsync(client, name, reference, mediaType, body);
        return (body, digest);
    }

    /// <summary>Asserts the status and that the body is exactly the spec's error shape with the given code (any code when null).</summary>
    public static async Task<JsonElement> AssertErrorAsync(HttpResponseMessage response, HttpStatusCode status, string? code)
    {
        var text = await response.Content.ReadAsStringAsync(Token);
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("registry/2.0", Header(response, "Docker-Distribution-API-Version"));
        using var document = JsonDocument.Parse(text);
        var root = document.RootElement;
        Assert.Equal(JsonValueKind.Object, root.ValueKind);
        var errors = root.GetProperty("errors");
        Assert.Equal(JsonValueKind.Array, errors.ValueKind);
        Assert.True(errors.GetArrayLength() >= 1, text);
        foreach (var error in errors.EnumerateArray())
        {
            Assert.Equal(JsonValueKind.String, error.GetProperty("code").ValueKind);
            Assert.Equal(JsonValueKind.String, error.GetProperty("message").ValueKind);
            Assert.True(error.TryGetProperty("detail", out _), "error has no detail member: " + text);
        }

        var first = errors[0];
        if (code is not null)
        {
            Assert.Equal(code, first.GetProperty("code").GetString());
        }

        return first.Clone();
    }

    /// <summary>Every file under <paramref name="root"/> in the driver, depth first.</summary>
    public static async Task<List<string>> ListFilesAsync(Speedy.Storage.IStorageDriver driver, string root)
    {
        var files = new List<string>();
        IReadOnlyList<string> children;
        try
        {
            children = await driver.ListAsync(root, Token);
        }
        catch (Speedy.Storage.StoragePathNotFoundException)
        {
            return files;
        }

        foreach (var child in children)
        {
            var info = await driver.StatAsync(child, Token);
            if (info.IsDirectory)
            {
                files.AddRange(await ListFilesAsync(driver, child));
            }
            else
            {
                files.Add(child);
            }
        }

        return files;
    }
}
