using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

public sealed class ManifestEndpointTests
{
    private const string Name = "library/app";

    [Theory]
    [InlineData(Oci.OciManifest)]
    [InlineData(Oci.DockerManifest)]
    public async Task PutImageManifest_ByTag_IsServedByTagAndDigest(string mediaType)
    {
        await using var registry = await TestRegistry.StartAsync();
        var manifest = await Oci.PushImageContentAsync(registry.Client, Name, 1, mediaType);
        var body = Oci.Json(manifest);
        var digest = Oci.Sha256(body);
        using (var put = await Oci.PutManifestAsync(registry.Client, Name, "v1", mediaType, body))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.Equal($"/v2/{Name}/manifests/{digest}", Oci.Location(put));
            Assert.Equal(digest, Oci.Header(put, "Docker-Content-Digest"));
            Assert.Null(Oci.Header(put, "OCI-Subject"));
        }

        foreach (var reference in (string[])["v1", digest])
        {
            using var get = await GetAsync(registry.Client, reference, mediaType);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(mediaType, get.Content.Headers.ContentType?.MediaType);
            Assert.Equal(digest, Oci.Header(get, "Docker-Content-Digest"));
            Assert.Equal(body.Length, get.Content.Headers.ContentLength);
            Assert.Equal(body, await get.Content.ReadAsByteArrayAsync(Oci.Token));

            using var head = await HeadAsync(registry.Client, reference, mediaType);
            Assert.Equal(HttpStatusCode.OK, head.StatusCode);
            Assert.Equal(mediaType, head.Content.Headers.ContentType?.MediaType);
            Assert.Equal(digest, Oci.Header(head, "Docker-Content-Digest"));
            Assert.Equal(body.Length, head.Content.Headers.ContentLength);
            Assert.Empty(await head.Content.ReadAsByteArrayAsync(Oci.Token));
        }
    }

    [Fact]
    public async Task GetManifest_WithoutAccept_ReturnsStoredMediaType()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (body, digest) = await Oci.PushImageAsync(registry.Client, Name, "latest");
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/latest", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(Oci.OciManifest, get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(digest, Oci.Header(get, "Docker-Content-Digest"));
        Assert.Equal(body, await get.Content.ReadAsByteArrayAsync(Oci.Token));
    }

    [Fact]
    public async Task PutManifest_WithoutMediaTypeInBody_UsesContentType()
    {
        await using var registry = await TestRegistry.StartAsync();
        var manifest = await Oci.PushImageContentAsync(registry.Client, Name, 2);
        manifest.Remove("mediaType");
        var digest = await Oci.PushManifestAsync(registry.Client, Name, "bare", Oci.OciManifest, Oci.Json(manifest));
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/{digest}", Oci.Token);
        Assert.Equal(Oci.OciManifest, get.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task SameBytes_PushedUnderTwoMediaTypes_AreServedWithEachRepositorysType()
    {
        await using var registry = await TestRegistry.StartAsync();
        var manifest = await Oci.PushImageContentAsync(registry.Client, "repo/oci", 30);
        await Oci.PushImageContentAsync(registry.Client, "repo/docker", 30);
        manifest.Remove("mediaType");
        var body = Oci.Json(manifest);
        var digest = await Oci.PushManifestAsync(registry.Client, "repo/oci", "v1", Oci.OciManifest, body);
        await Oci.PushManifestAsync(registry.Client, "repo/docker", "v1", Oci.DockerManifest, body);
        foreach (var (name, mediaType) in (ValueTuple<string, string>[])[("repo/oci", Oci.OciManifest), ("repo/docker", Oci.DockerManifest)])
        {
            using var get = await registry.Client.GetAsync($"/v2/{name}/manifests/{digest}", Oci.Token);
            Assert.Equal(HttpStatusCode.OK, get.StatusCode);
            Assert.Equal(mediaType, get.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task PutManifest_ByDigest_IsServedByDigestWithoutTag()
    {
        await using var registry = await TestRegistry.StartAsync();
        var body = Oci.Json(await Oci.PushImageContentAsync(registry.Client, Name, 3));
        var digest = Oci.Sha256(body);
        await Oci.PushManifestAsync(registry.Client, Name, digest, Oci.OciManifest, body);
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/{digest}", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(body, await get.Content.ReadAsByteArrayAsync(Oci.Token));

        using var tags = await registry.Client.GetAsync($"/v2/{Name}/tags/list", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, tags.StatusCode);
        Assert.Empty(JsonNode.Parse(await tags.Content.ReadAsStringAsync(Oci.Token))!["tags"]!.AsArray());
    }

    [Fact]
    public async Task PutManifest_BySha512Digest_IsServedBySha512Digest()
    {
        await using var registry = await TestRegistry.StartAsync();
        var body = Oci.Json(await Oci.PushImageContentAsync(registry.Client, Name, 4));
        var digest = Oci.Sha512(body);
        using var put = await Oci.PutManifestAsync(registry.Client, Name, digest, Oci.OciManifest, body);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(digest, Oci.Header(put, "Docker-Content-Digest"));
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/{digest}", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(digest, Oci.Header(get, "Docker-Content-Digest"));
    }

    [Fact]
    public async Task PutManifest_ByWrongDigest_Returns400DigestInvalid()
    {
        await using var registry = await TestRegistry.StartAsync();
        var body = Oci.Json(await Oci.PushImageContentAsync(registry.Client, Name, 5));
        var wrong = Oci.Sha256([1, 2, 3]);
        using var put = await Oci.PutManifestAsync(registry.Client, Name, wrong, Oci.OciManifest, body);
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/{wrong}", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using var getActual = await registry.Client.GetAsync($"/v2/{Name}/manifests/{Oci.Sha256(body)}", Oci.Token);
        await Oci.AssertErrorAsync(getActual, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task PutManifest_ByInvalidDigest_Returns400DigestInvalid()
    {
        await using var registry = await TestRegistry.StartAsync();
        var body = Oci.Json(await Oci.PushImageContentAsync(registry.Client, Name, 6));
        using var put = await Oci.PutManifestAsync(registry.Client, Name, "sha256:1234", Oci.OciManifest, body);
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task PutManifest_RetaggingMovesTheTag()
    {
        await using var registry = await TestRegistry.StartAsync();
        await Oci.PushImageAsync(registry.Client, Name, "latest", seed: 7);
        var (second, digest) = await Oci.PushImageAsync(registry.Client, Name, "latest", seed: 8);
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/latest", Oci.Token);
        Assert.Equal(digest, Oci.Header(get, "Docker-Content-Digest"));
        Assert.Equal(second, await get.Content.ReadAsByteArrayAsync(Oci.Token));
    }

    [Theory]
    [InlineData(Oci.OciIndex, Oci.OciManifest)]
    [InlineData(Oci.DockerManifestList, Oci.DockerManifest)]
    public async Task PutIndex_OverPushedManifests_IsServedWithItsMediaType(string indexType, string childType)
    {
        await using var registry = await TestRegistry.StartAsync();
        var (index, digest) = await PushIndexAsync(registry.Client, Name, "multi", indexType, childType, ("amd64", 10), ("arm64", 11));
        using var get = await GetAsync(registry.Client, "multi", indexType);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(indexType, get.Content.Headers.ContentType?.MediaType);
        Assert.Equal(digest, Oci.Header(get, "Docker-Content-Digest"));
        Assert.Equal(index, await get.Content.ReadAsByteArrayAsync(Oci.Token));
    }

    [Fact]
    public async Task PutIndex_WithMissingChild_Returns400ManifestBlobUnknownNamingIt()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (_, present) = await Oci.PushImageAsync(registry.Client, Name, "child", seed: 12);
        var missing = Oci.Sha256([7, 7, 7]);
        var index = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = Oci.OciIndex,
            ["manifests"] = new JsonArray(Oci.Descriptor(Oci.OciManifest, present, 100), Oci.Descriptor(Oci.OciManifest, missing, 100)),
        };
        using var put = await Oci.PutManifestAsync(registry.Client, Name, "multi", Oci.OciIndex, Oci.Json(index));
        var error = await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
        Assert.Contains(missing, error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(present, error.GetProperty("detail").ToString(), StringComparison.Ordinal);
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/multi", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task PutManifest_WithMissingBlobs_Returns400ManifestBlobUnknownNamingEveryOne()
    {
        await using var registry = await TestRegistry.StartAsync();
        var missingConfig = Oci.Sha256([1]);
        var missingLayer = Oci.Sha256([2]);
        var presentLayer = await Oci.PushBlobAsync(registry.Client, Name, [3]);
        var manifest = new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = Oci.OciManifest,
            ["config"] = Oci.Descriptor(Oci.OciConfig, missingConfig, 1),
            ["layers"] = new JsonArray(Oci.Descriptor(Oci.OciLayer, presentLayer, 1), Oci.Descriptor(Oci.OciLayer, missingLayer, 1)),
        };
        using var put = await Oci.PutManifestAsync(registry.Client, Name, "broken", Oci.OciManifest, Oci.Json(manifest));
        var error = await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
        var detail = error.GetProperty("detail").ToString();
        Assert.Contains(missingConfig, detail, StringComparison.Ordinal);
        Assert.Contains(missingLayer, detail, StringComparison.Ordinal);
        Assert.DoesNotContain(presentLayer, detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutManifest_WithBlobOnlyInAnotherRepository_Returns400ManifestBlobUnknown()
    {
        await using var registry = await TestRegistry.StartAsync();
        var manifest = await Oci.PushImageContentAsync(registry.Client, "other/repo", 13);
        using var put = await Oci.PutManifestAsync(registry.Client, Name, "v1", Oci.OciManifest, Oci.Json(manifest));
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_BLOB_UNKNOWN");
    }

    [Fact]
    public async Task PutManifest_WithForeignLayerUrls_DoesNotRequireTheLayer()
    {
        await using var registry = await TestRegistry.StartAsync();
        var manifest = await Oci.PushImageContentAsync(registry.Client, Name, 14, Oci.DockerManifest);
        var foreign = Oci.Descriptor("application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", Oci.Sha256([9, 9]), 2);
        foreign["urls"] = new JsonArray("https://example.com/layer");
        manifest["layers"]!.AsArray().Add(foreign);
        await Oci.PushManifestAsync(registry.Client, Name, "foreign", Oci.DockerManifest, Oci.Json(manifest));
    }

    [Fact]
    public async Task PutArtifact_WithSubject_ReturnsOciSubjectHeader()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (subjectBody, subjectDigest) = await Oci.PushImageAsync(registry.Client, Name, "v1", seed: 15);
        var artifact = await ReferrerTests.ArtifactAsync(registry.Client, Name, "application/vnd.example.sbom", subjectDigest, subjectBody.Length, 1);
        var body = Oci.Json(artifact);
        using var put = await Oci.PutManifestAsync(registry.Client, Name, Oci.Sha256(body), Oci.OciManifest, body);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(subjectDigest, Oci.Header(put, "OCI-Subject"));
    }

    [Fact]
    public async Task PutArtifact_WithSubjectNotPushed_IsAccepted()
    {
        await using var registry = await TestRegistry.StartAsync();
        var subject = Oci.Sha256([4, 5, 6]);
        var artifact = await ReferrerTests.ArtifactAsync(registry.Client, Name, "application/vnd.example.sig", subject, 100, 2);
        var body = Oci.Json(artifact);
        using var put = await Oci.PutManifestAsync(registry.Client, Name, Oci.Sha256(body), Oci.OciManifest, body);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(subject, Oci.Header(put, "OCI-Subject"));
    }

    [Fact]
    public async Task DeleteManifest_ByTag_RemovesOnlyTheTag()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (body, digest) = await Oci.PushImageAsync(registry.Client, Name, "v1", seed: 16);
        using (var tagAgain = await Oci.PutManifestAsync(registry.Client, Name, "v2", Oci.OciManifest, body))
        {
            Assert.Equal(HttpStatusCode.Created, tagAgain.StatusCode);
        }

        using (var delete = await registry.Client.DeleteAsync($"/v2/{Name}/manifests/v1", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        using (var byTag = await registry.Client.GetAsync($"/v2/{Name}/manifests/v1", Oci.Token))
        {
            await Oci.AssertErrorAsync(byTag, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        }

        using (var byDigest = await registry.Client.GetAsync($"/v2/{Name}/manifests/{digest}", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.OK, byDigest.StatusCode);
        }

        using (var other = await registry.Client.GetAsync($"/v2/{Name}/manifests/v2", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        }

        Assert.Equal(["v2"], await TagListTests.ListTagsAsync(registry.Client, Name));
        using var again = await registry.Client.DeleteAsync($"/v2/{Name}/manifests/v1", Oci.Token);
        await Oci.AssertErrorAsync(again, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task DeleteManifest_ByDigest_RemovesItAndEveryTagPointingAtIt()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (body, digest) = await Oci.PushImageAsync(registry.Client, Name, "v1", seed: 17);
        using (var tagAgain = await Oci.PutManifestAsync(registry.Client, Name, "v2", Oci.OciManifest, body))
        {
            Assert.Equal(HttpStatusCode.Created, tagAgain.StatusCode);
        }

        await Oci.PushImageAsync(registry.Client, Name, "other", seed: 18);
        using (var delete = await registry.Client.DeleteAsync($"/v2/{Name}/manifests/{digest}", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        foreach (var reference in (string[])["v1", "v2", digest])
        {
            using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/{reference}", Oci.Token);
            await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        }

        Assert.Equal(["other"], await TagListTests.ListTagsAsync(registry.Client, Name));
        using var again = await registry.Client.DeleteAsync($"/v2/{Name}/manifests/{digest}", Oci.Token);
        await Oci.AssertErrorAsync(again, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task DeleteManifest_WhenDeletionIsDisabled_Returns405Unsupported()
    {
        await using var registry = await TestRegistry.StartAsync(configure: options => options.DeleteEnabled = false);
        var (_, digest) = await Oci.PushImageAsync(registry.Client, Name, "v1", seed: 19);
        using var delete = await registry.Client.DeleteAsync($"/v2/{Name}/manifests/{digest}", Oci.Token);
        await Oci.AssertErrorAsync(delete, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/v1", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Theory]
    [InlineData("nosuchtag")]
    [InlineData("sha256:0000000000000000000000000000000000000000000000000000000000000000")]
    public async Task GetManifest_Unknown_Returns404ManifestUnknown(string reference)
    {
        await using var registry = await TestRegistry.StartAsync();
        await Oci.PushImageAsync(registry.Client, Name, "v1", seed: 20);
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/{reference}", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        using var head = await HeadAsync(registry.Client, reference, null);
        Assert.Equal(HttpStatusCode.NotFound, head.StatusCode);
        using var delete = await registry.Client.DeleteAsync($"/v2/{Name}/manifests/{reference}", Oci.Token);
        await Oci.AssertErrorAsync(delete, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task GetManifest_InUnknownRepository_Returns404()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var get = await registry.Client.GetAsync("/v2/no/such/repo/manifests/latest", Oci.Token);
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, null);
    }

    [Fact]
    public async Task GetManifest_OfAnotherRepository_Returns404ManifestUnknown()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (_, digest) = await Oci.PushImageAsync(registry.Client, "other/repo", "v1", seed: 21);
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/{digest}", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Theory]
    [InlineData("-leadingdash")]
    [InlineData(".leadingdot")]
    [InlineData("has+plus")]
    [InlineData("has%20space")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa")]
    public async Task Manifest_WithInvalidTag_Returns400(string tag)
    {
        await using var registry = await TestRegistry.StartAsync();
        var body = Oci.Json(await Oci.PushImageContentAsync(registry.Client, Name, 22));
        using var put = await Oci.PutManifestAsync(registry.Client, Name, tag, Oci.OciManifest, body);
        Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, null);
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/{tag}", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.BadRequest, null);
        using var delete = await registry.Client.DeleteAsync($"/v2/{Name}/manifests/{tag}", Oci.Token);
        await Oci.AssertErrorAsync(delete, HttpStatusCode.BadRequest, null);
    }

    [Fact]
    public async Task Manifest_WithLongestValidTag_IsAccepted()
    {
        await using var registry = await TestRegistry.StartAsync();
        var tag = "A" + new string('b', 126) + "_";
        await Oci.PushImageAsync(registry.Client, Name, tag, seed: 23);
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/{tag}", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task PostOnManifest_Returns405Unsupported()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var post = await registry.Client.PostAsync($"/v2/{Name}/manifests/latest", null, Oci.Token);
        await Oci.AssertErrorAsync(post, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
    }

    [Fact]
    public async Task ManifestBlob_IsServedThroughTheBlobEndpoint()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (body, digest) = await Oci.PushImageAsync(registry.Client, Name, "v1", seed: 24);
        Assert.Equal(body, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
    }

    internal static async Task<(byte[] Body, string Digest)> PushIndexAsync(
        HttpClient client, string name, string reference, string indexType, string childType, params (string Architecture, int Seed)[] children)
    {
        var manifests = new JsonArray();
        foreach (var (architecture, seed) in children)
        {
            var body = Oci.Json(await Oci.PushImageContentAsync(client, name, seed, childType));
            var digest = await Oci.PushManifestAsync(client, name, Oci.Sha256(body), childType, body);
            var descriptor = Oci.Descriptor(childType, digest, body.Length);
            descriptor["platform"] = new JsonObject { ["architecture"] = architecture, ["os"] = "linux" };
            manifests.Add(descriptor);
        }

        var index = new JsonObject { ["schemaVersion"] = 2, ["mediaType"] = indexType, ["manifests"] = manifests };
        var indexBody = Oci.Json(index);
        return (indexBody, await Oci.PushManifestAsync(client, name, reference, indexType, indexBody));
    }

    internal static Task<HttpResponseMessage> GetAsync(HttpClient client, string reference, params string[] accept) =>
        SendAsync(client, HttpMethod.Get, Name, reference, accept);

    internal static async Task<HttpResponseMessage> SendAsync(HttpClient client, HttpMethod method, string name, string reference, string[] accept)
    {
        using var request = new HttpRequestMessage(method, $"/v2/{name}/manifests/{reference}");
        foreach (var type in accept)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(type));
        }

        return await client.SendAsync(request, Oci.Token);
    }

    private static Task<HttpResponseMessage> HeadAsync(HttpClient client, string reference, string? accept) =>
        SendAsync(client, HttpMethod.Head, Name, reference, accept is null ? [] : [accept]);
}
