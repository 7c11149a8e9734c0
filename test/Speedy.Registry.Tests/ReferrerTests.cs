using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

/// <summary><c>GET /v2/&lt;name&gt;/referrers/&lt;digest&gt;</c>.</summary>
public sealed class ReferrerTests
{
    private const string Name = "library/signed";

    [Fact]
    public async Task Referrers_ListArtifactsWhoseSubjectIsTheDigest()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (subjectBody, subject) = await Oci.PushImageAsync(registry.Client, Name, "v1", seed: 1);
        var sbom = await ArtifactAsync(registry.Client, Name, "application/vnd.example.sbom", subject, subjectBody.Length, 1);
        sbom["annotations"] = new JsonObject { ["org.example.kind"] = "sbom" };
        var sbomBody = Oci.Json(sbom);
        var sbomDigest = await Oci.PushManifestAsync(registry.Client, Name, Oci.Sha256(sbomBody), Oci.OciManifest, sbomBody);
        var sig = await ArtifactAsync(registry.Client, Name, "application/vnd.example.sig", subject, subjectBody.Length, 2);
        var sigBody = Oci.Json(sig);
        var sigDigest = await Oci.PushManifestAsync(registry.Client, Name, Oci.Sha256(sigBody), Oci.OciManifest, sigBody);
        await Oci.PushImageAsync(registry.Client, Name, "unrelated", seed: 3);

        using var response = await registry.Client.GetAsync($"/v2/{Name}/referrers/{subject}", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Oci.OciIndex, response.Content.Headers.ContentType?.MediaType);
        Assert.Null(Oci.Header(response, "OCI-Filters-Applied"));
        var index = JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!;
        Assert.Equal(2, (int)index["schemaVersion"]!);
        Assert.Equal(Oci.OciIndex, (string?)index["mediaType"]);
        var manifests = index["manifests"]!.AsArray();
        Assert.Equal(2, manifests.Count);
        var sbomEntry = Find(manifests, sbomDigest);
        Assert.Equal(Oci.OciManifest, (string?)sbomEntry["mediaType"]);
        Assert.Equal(sbomBody.Length, (long)sbomEntry["size"]!);
        Assert.Equal("application/vnd.example.sbom", (string?)sbomEntry["artifactType"]);
        Assert.Equal("sbom", (string?)sbomEntry["annotations"]!["org.example.kind"]);
        var sigEntry = Find(manifests, sigDigest);
        Assert.Equal("application/vnd.example.sig", (string?)sigEntry["artifactType"]);
        Assert.Equal(sigBody.Length, (long)sigEntry["size"]!);
    }

    [Fact]
    public async Task Referrers_WithArtifactTypeFilter_ListOnlyThatTypeAndSayTheFilterApplied()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (subjectBody, subject) = await Oci.PushImageAsync(registry.Client, Name, "v1", seed: 4);
        var sbomBody = Oci.Json(await ArtifactAsync(registry.Client, Name, "application/vnd.example.sbom", subject, subjectBody.Length, 5));
        var sbomDigest = await Oci.PushManifestAsync(registry.Client, Name, Oci.Sha256(sbomBody), Oci.OciManifest, sbomBody);
        var sigBody = Oci.Json(await ArtifactAsync(registry.Client, Name, "application/vnd.example.sig", subject, subjectBody.Length, 6));
        await Oci.PushManifestAsync(registry.Client, Name, Oci.Sha256(sigBody), Oci.OciManifest, sigBody);

        using var response = await registry.Client.GetAsync($"/v2/{Name}/referrers/{subject}?artifactType=application/vnd.example.sbom", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("artifactType", Oci.Header(response, "OCI-Filters-Applied"));
        var manifests = JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!["manifests"]!.AsArray();
        var entry = Assert.Single(manifests);
        Assert.Equal(sbomDigest, (string?)entry!["digest"]);
    }

    [Fact]
    public async Task Referrers_WithoutArtifactType_UseTheConfigMediaType()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (subjectBody, subject) = await Oci.PushImageAsync(registry.Client, Name, "v1", seed: 7);
        var config = Encoding.UTF8.GetBytes("{\"kind\":\"legacy\"}");
        var configDigest = await Oci.PushBlobAsync(registry.Client, Name, config);
        var artifact = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = Oci.OciManifest,
            ["config"] = Oci.Descriptor("application/vnd.example.legacy.config+json", configDigest, config.Length),
            ["layers"] = new JsonArray(),
            ["subject"] = Oci.Descriptor(Oci.OciManifest, subject, subjectBody.Length),
        };
        var body = Oci.Json(artifact);
        await Oci.PushManifestAsync(registry.Client, Name, Oci.Sha256(body), Oci.OciManifest, body);

        using var response = await registry.Client.GetAsync($"/v2/{Name}/referrers/{subject}?artifactType=application/vnd.example.legacy.config%2Bjson", Oci.Token);
        var entry = Assert.Single(JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!["manifests"]!.AsArray());
        Assert.Equal("application/vnd.example.legacy.config+json", (string?)entry!["artifactType"]);
    }

    [Fact]
    public async Task Referrers_OfIndexWithSubject_AreListed()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (subjectBody, subject) = await Oci.PushImageAsync(registry.Client, Name, "v1", seed: 8);
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = Oci.OciIndex,
            ["artifactType"] = "application/vnd.example.bundle",
            ["manifests"] = new JsonArray(),
            ["subject"] = Oci.Descriptor(Oci.OciManifest, subject, subjectBody.Length),
        };
        var body = Oci.Json(index);
        var digest = await Oci.PushManifestAsync(registry.Client, Name, Oci.Sha256(body), Oci.OciIndex, body);
        using var response = await registry.Client.GetAsync($"/v2/{Name}/referrers/{subject}", Oci.Token);
        var entry = Assert.Single(JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!["manifests"]!.AsArray());
        Assert.Equal(digest, (string?)entry!["digest"]);
        Assert.Equal(Oci.OciIndex, (string?)entry["mediaType"]);
        Assert.Equal("application/vnd.example.bundle", (string?)entry["artifactType"]);
    }

    [Fact]
    public async Task Referrers_OfUnknownSubject_Return200EmptyIndex()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.GetAsync($"/v2/{Name}/referrers/{Oci.Sha256([1])}", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Oci.OciIndex, response.Content.Headers.ContentType?.MediaType);
        var index = JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!;
        Assert.Equal(2, (int)index["schemaVersion"]!);
        Assert.Equal(Oci.OciIndex, (string?)index["mediaType"]);
        Assert.Empty(index["manifests"]!.AsArray());
    }

    [Fact]
    public async Task Referrers_WithInvalidDigest_Return400DigestInvalid()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.GetAsync($"/v2/{Name}/referrers/latest", Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task Referrers_AfterTheReferrerIsDeleted_NoLongerListIt()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (subjectBody, subject) = await Oci.PushImageAsync(registry.Client, Name, "v1", seed: 9);
        var body = Oci.Json(await ArtifactAsync(registry.Client, Name, "application/vnd.example.sig", subject, subjectBody.Length, 10));
        var digest = await Oci.PushManifestAsync(registry.Client, Name, Oci.Sha256(body), Oci.OciManifest, body);
        using (var delete = await registry.Client.DeleteAsync($"/v2/{Name}/manifests/{digest}", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        using var response = await registry.Client.GetAsync($"/v2/{Name}/referrers/{subject}", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!["manifests"]!.AsArray());
    }

    [Fact]
    public async Task Referrers_AreScopedToTheRepository()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (subjectBody, subject) = await Oci.PushImageAsync(registry.Client, Name, "v1", seed: 11);
        var body = Oci.Json(await ArtifactAsync(registry.Client, Name, "application/vnd.example.sig", subject, subjectBody.Length, 12));
        await Oci.PushManifestAsync(registry.Client, Name, Oci.Sha256(body), Oci.OciManifest, body);
        using var response = await registry.Client.GetAsync($"/v2/other/repo/referrers/{subject}", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!["manifests"]!.AsArray());
    }

    /// <summary>An OCI artifact manifest (empty config, one layer) whose subject is <paramref name="subject"/>; its blobs are pushed.</summary>
    [Fact]
    public async Task Referrers_WriteMediaTypesAndAnnotationsUnescaped()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (subjectBody, subject) = await Oci.PushImageAsync(registry.Client, Name, "v1", seed: 13);
        var artifact = await ArtifactAsync(registry.Client, Name, "application/vnd.example.sbom+json", subject, subjectBody.Length, 14);
        artifact["annotations"] = new JsonObject { ["org.example.note"] = "<a & b>'s \"quoted\" note" };
        var body = Oci.Json(artifact);
        await Oci.PushManifestAsync(registry.Client, Name, Oci.Sha256(body), Oci.OciManifest, body);

        using var response = await registry.Client.GetAsync($"/v2/{Name}/referrers/{subject}", Oci.Token);
        var text = await response.Content.ReadAsStringAsync(Oci.Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("\"mediaType\":\"application/vnd.oci.image.index.v1+json\"", text, StringComparison.Ordinal);
        Assert.Contains("\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"", text, StringComparison.Ordinal);
        Assert.Contains("\"artifactType\":\"application/vnd.example.sbom+json\"", text, StringComparison.Ordinal);
        Assert.Contains("<a & b>'s \\\"quoted\\\" note", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u00", text, StringComparison.Ordinal);
    }

    internal static async Task<JsonObject> ArtifactAsync(HttpClient client, string name, string artifactType, string subject, long subjectSize, int seed)
    {
        byte[] empty = "{}"u8.ToArray();
        var emptyDigest = await Oci.PushBlobAsync(client, name, empty);
        var layer = Oci.RandomBytes(64, 1000 + seed);
        var layerDigest = await Oci.PushBlobAsync(client, name, layer);
        return new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = Oci.OciManifest,
            ["artifactType"] = artifactType,
            ["config"] = Oci.Descriptor(Oci.OciEmpty, emptyDigest, empty.Length),
            ["layers"] = new JsonArray(Oci.Descriptor("application/vnd.example.data", layerDigest, layer.Length)),
            ["subject"] = Oci.Descriptor(Oci.OciManifest, subject, subjectSize),
        };
    }

    private static JsonNode Find(JsonArray manifests, string digest)
    {
        foreach (var entry in manifests)
        {
            if ((string?)entry!["digest"] == digest)
            {
                return entry;
            }
        }

        Assert.Fail($"{digest} is not among the referrers");
        return null!;
    }
}
