using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

public sealed class ManifestValidationTests
{
    private const string Name = "validation/repo";

    [Fact]
    public async Task PutManifest_LargerThan4MiB_Returns413ManifestInvalid()
    {
        await using var registry = await TestRegistry.StartAsync();
        var manifest = await Oci.PushImageContentAsync(registry.Client, Name, 1);
        manifest["annotations"] = new JsonObject { ["padding"] = new string('x', (4 << 20) + 1) };
        using var put = await Oci.PutManifestAsync(registry.Client, Name, "huge", Oci.OciManifest, Oci.Json(manifest));
        await Oci.AssertErrorAsync(put, HttpStatusCode.RequestEntityTooLarge, "MANIFEST_INVALID");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, $"/repositories/{Name}/_manifests"));
    }

    [Fact]
    public async Task PutManifest_LargerThan4MiB_WithoutContentLength_Returns413ManifestInvalid()
    {
        await using var registry = await TestRegistry.StartAsync();
        var manifest = await Oci.PushImageContentAsync(registry.Client, Name, 2);
        manifest["annotations"] = new JsonObject { ["padding"] = new string('x', (4 << 20) + 1) };
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/v2/{Name}/manifests/huge")
        {
            Content = new StreamContent(new MemoryStream(Oci.Json(manifest))),
        };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", Oci.OciManifest);
        request.Headers.TransferEncodingChunked = true;
        using var put = await registry.Client.SendAsync(request, Oci.Token);
        await Oci.AssertErrorAsync(put, HttpStatusCode.RequestEntityTooLarge, "MANIFEST_INVALID");
    }

    [Fact]
    public async Task PutManifest_ExactlyAtTheLimit_IsNotRefusedForSize()
    {
        await using var registry = await TestRegistry.StartAsync();
        var manifest = await Oci.PushImageContentAsync(registry.Client, Name, 3);
        manifest["annotations"] = new JsonObject { ["padding"] = string.Empty };
        var overhead = Oci.Json(manifest).Length;
        manifest["annotations"] = new JsonObject { ["padding"] = new string('x', (4 << 20) - overhead) };
        var body = Oci.Json(manifest);
        Assert.Equal(4 << 20, body.Length);
        await Oci.PushManifestAsync(registry.Client, Name, "big", Oci.OciManifest, body);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{")]
    [InlineData("not json")]
    [InlineData("[]")]
    [InlineData("null")]
    [InlineData("\"string\"")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\"}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{},\"layers\":[]}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":[],\"layers\":[]}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:xyz\",\"size\":1},\"layers\":[]}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":-1},\"layers\":[]}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":0},\"layers\":{}}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"a/b\",\"digest\":\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\",\"size\":0},\"layers\":[5]}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\"}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":{}}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[],\"annotations\":[]}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[],\"annotations\":{\"a\":1}}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":5,\"manifests\":[]}")]
    [InlineData("{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[],\"subject\":\"sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\"}")]
    public async Task PutManifest_Malformed_Returns400ManifestInvalid(string body)
    {
        await using var registry = await TestRegistry.StartAsync();
        using var put = await Oci.PutManifestAsync(registry.Client, Name, "bad", null, Encoding.UTF8.GetBytes(body));
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/repositories"));
    }

    [Fact]
    public async Task PutManifest_NestedTooDeeply_Returns400ManifestInvalid()
    {
        await using var registry = await TestRegistry.StartAsync();
        var body = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.index.v1+json\",\"manifests\":[],\"x\":"
            + new string('[', 10_000) + new string(']', 10_000) + "}";
        using var put = await Oci.PutManifestAsync(registry.Client, Name, "deep", Oci.OciIndex, Encoding.UTF8.GetBytes(body));
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }

    [Theory]
    [InlineData("application/vnd.example.unknown+json", "application/vnd.example.unknown+json")]
    [InlineData(null, "application/vnd.example.unknown+json")]
    [InlineData("application/json", null)]
    [InlineData(null, null)]
    [InlineData("text/plain", null)]
    public async Task PutManifest_OfUnknownMediaType_Returns400ManifestInvalid(string? contentType, string? declared)
    {
        await using var registry = await TestRegistry.StartAsync();
        var manifest = await Oci.PushImageContentAsync(registry.Client, Name, 4);
        manifest.Remove("mediaType");
        if (declared is not null)
        {
            manifest["mediaType"] = declared;
        }

        using var put = await Oci.PutManifestAsync(registry.Client, Name, "v1", contentType, Oci.Json(manifest));
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }

    [Theory]
    [InlineData("application/vnd.docker.distribution.manifest.v1+json")]
    [InlineData("application/vnd.docker.distribution.manifest.v1+prettyjws")]
    public async Task PutManifest_OfSchema1_Returns400ManifestInvalid(string mediaType)
    {
        await using var registry = await TestRegistry.StartAsync();
        var body = Encoding.UTF8.GetBytes("""
            {"schemaVersion":1,"name":"validation/repo","tag":"v1","architecture":"amd64","fsLayers":[],"history":[]}
            """);
        using var put = await Oci.PutManifestAsync(registry.Client, Name, "v1", mediaType, body);
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }

    [Theory]
    [InlineData("1")]
    [InlineData("3")]
    [InlineData("\"2\"")]
    [InlineData("2.5")]
    [InlineData("null")]
    [InlineData("99999999999999999999")]
    public async Task PutManifest_WithWrongSchemaVersion_Returns400ManifestInvalid(string version)
    {
        await using var registry = await TestRegistry.StartAsync();
        var manifest = await Oci.PushImageContentAsync(registry.Client, Name, 5);
        manifest["schemaVersion"] = JsonNode.Parse(version);
        using var put = await Oci.PutManifestAsync(registry.Client, Name, "v1", Oci.OciManifest, Oci.Json(manifest));
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }

    [Fact]
    public async Task PutManifest_WithoutSchemaVersion_Returns400ManifestInvalid()
    {
        await using var registry = await TestRegistry.StartAsync();
        var manifest = await Oci.PushImageContentAsync(registry.Client, Name, 6);
        manifest.Remove("schemaVersion");
        using var put = await Oci.PutManifestAsync(registry.Client, Name, "v1", Oci.OciManifest, Oci.Json(manifest));
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }

    [Theory]
    [InlineData(Oci.OciManifest, Oci.DockerManifest)]
    [InlineData(Oci.DockerManifest, Oci.OciManifest)]
    [InlineData(Oci.OciIndex, Oci.OciManifest)]
    public async Task PutManifest_WithMediaTypeUnlikeContentType_Returns400ManifestInvalid(string declared, string contentType)
    {
        await using var registry = await TestRegistry.StartAsync();
        var manifest = await Oci.PushImageContentAsync(registry.Client, Name, 7);
        manifest["mediaType"] = declared;
        using var put = await Oci.PutManifestAsync(registry.Client, Name, "v1", contentType, Oci.Json(manifest));
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "MANIFEST_INVALID");
    }

    [Fact]
    public async Task PutManifest_WithContentTypeParameters_IsAccepted()
    {
        await using var registry = await TestRegistry.StartAsync();
        var body = Oci.Json(await Oci.PushImageContentAsync(registry.Client, Name, 8));
        using var put = await Oci.PutManifestAsync(registry.Client, Name, "v1", Oci.OciManifest + "; charset=utf-8", body);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/v1", Oci.Token);
        Assert.Equal(Oci.OciManifest, get.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PutManifest_WithGenericContentTypeAndMediaTypeInBody_IsAccepted()
    {
        await using var registry = await TestRegistry.StartAsync();
        var body = Oci.Json(await Oci.PushImageContentAsync(registry.Client, Name, 9));
        using var put = await Oci.PutManifestAsync(registry.Client, Name, "v1", "application/json", body);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/v1", Oci.Token);
        Assert.Equal(Oci.OciManifest, get.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task PutManifest_EveryTruncatedPrefix_IsRefusedWithoutA500()
    {
        await using var registry = await TestRegistry.StartAsync();
        var body = Oci.Json(await Oci.PushImageContentAsync(registry.Client, Name, 10));
        for (var length = 0; length < body.Length; length++)
        {
            using var put = await Oci.PutManifestAsync(registry.Client, Name, "v1", Oci.OciManifest, body.AsSpan(0, length).ToArray());
            Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
        }
    }
}
