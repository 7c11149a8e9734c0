using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Speedy.Registry.Core;

namespace Speedy.Index.Tests.Web;

/// <summary>
/// Pushes test images over the OCI distribution API, as a client would: blobs (monolithic POST with the digest),
/// image manifests with configs that have a history, an image index of two platforms, and a referrer (an SBOM).
/// </summary>
internal sealed class OciPusher(HttpClient client)
{
    public const string SbomType = "application/spdx+json";

    private const string LayerType = "application/vnd.oci.image.layer.v1.tar+gzip";
    private const string ConfigType = "application/vnd.oci.image.config.v1+json";

    /// <summary>An image for one platform, two layers, and a config whose history has a RUN step.</summary>
    public async Task<JsonObject> PushImageAsync(string repository, string architecture, string? variant, string? tag)
    {
        var base64 = await PushBlobAsync(repository, RandomNumberGenerator.GetBytes(3000));
        var app = await PushBlobAsync(repository, RandomNumberGenerator.GetBytes(7000));
        var platform = new JsonObject { ["architecture"] = architecture, ["os"] = "linux" };
        if (variant is not null)
        {
            platform["variant"] = variant;
        }

        var config = new JsonObject
        {
            ["architecture"] = architecture,
            ["os"] = "linux",
            ["created"] = "2026-11-30T10:00:00Z",
            ["config"] = new JsonObject
            {
                ["Cmd"] = new JsonArray("/usr/bin/app", "--serve"),
                ["Env"] = new JsonArray("PATH=/usr/local/bin:/usr/bin"),
                ["WorkingDir"] = "/srv",
                ["Labels"] = new JsonObject { ["org.opencontainers.image.source"] = "https://example.com/app" },
            },
            ["rootfs"] = new JsonObject { ["type"] = "layers", ["diff_ids"] = new JsonArray(base64["digest"]!.GetValue<string>(), app["digest"]!.GetValue<string>()) },
            ["history"] = new JsonArray(
                new JsonObject { ["created"] = "2026-11-30T09:00:00Z", ["created_by"] = "ADD rootfs.tar.gz /" },
                new JsonObject { ["created"] = "2026-11-30T10:00:00Z", ["created_by"] = "RUN make install" },
                new JsonObject { ["created"] = "2026-11-30T10:00:00Z", ["created_by"] = "CMD [\"/usr/bin/app\" \"--serve\"]", ["empty_layer"] = true }),
        };
        if (variant is not null)
        {
            config["variant"] = variant;
        }

        var configDescriptor = await PushBlobAsync(repository, JsonSerializer.SerializeToUtf8Bytes(config), ConfigType);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = MediaTypes.OciManifest,
            ["config"] = configDescriptor,
            ["layers"] = new JsonArray(base64, app),
        };
        var descriptor = await PushManifestAsync(repository, tag, MediaTypes.OciManifest, manifest);
        descriptor["platform"] = platform;
        return descriptor;
    }

    /// <summary>An index of the given platform manifests (already pushed), tagged.</summary>
    public Task<JsonObject> PushIndexAsync(string repository, string tag, params JsonObject[] manifests) =>
        PushManifestAsync(
            repository,
            tag,
            MediaTypes.OciIndex,
            new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = MediaTypes.OciIndex, ["manifests"] = new JsonArray([.. manifests]) });

    /// <summary>An SBOM artifact whose subject is <paramref name="subject"/>, pushed by digest.</summary>
    public async Task<JsonObject> PushSbomAsync(string repository, JsonObject subject)
    {
        var empty = await PushBlobAsync(repository, "{}"u8.ToArray(), MediaTypes.OciEmpty);
        var sbom = await PushBlobAsync(repository, """{"spdxVersion":"SPDX-2.3","name":"app"}"""u8.ToArray(), SbomType);
        return await PushManifestAsync(
            repository,
            null,
            MediaTypes.OciManifest,
            new JsonObject
            {
                ["schemaVersion"] = 2,
                ["mediaType"] = MediaTypes.OciManifest,
                ["artifactType"] = SbomType,
                ["config"] = empty,
                ["layers"] = new JsonArray(sbom),
                ["subject"] = new JsonObject
                {
                    ["mediaType"] = subject["mediaType"]!.GetValue<string>(),
                    ["digest"] = subject["digest"]!.GetValue<string>(),
                    ["size"] = subject["size"]!.GetValue<int>(),
                },
            });
    }

    private async Task<JsonObject> PushBlobAsync(string repository, byte[] content, string mediaType = LayerType)
    {
        var digest = $"sha256:{Convert.ToHexStringLower(SHA256.HashData(content))}";
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var response = await client.PostAsync($"/v2/{repository}/blobs/uploads/?digest={digest}", body, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return new JsonObject { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = content.Length };
    }

    private async Task<JsonObject> PushManifestAsync(string repository, string? tag, string mediaType, JsonObject manifest)
    {
        var content = JsonSerializer.SerializeToUtf8Bytes(manifest);
        var digest = $"sha256:{Convert.ToHexStringLower(SHA256.HashData(content))}";
        using var body = new ByteArrayContent(content);
        body.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await client.PutAsync($"/v2/{repository}/manifests/{tag ?? digest}", body, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return new JsonObject { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = content.Length };
    }
}
