using System.Net;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

/// <summary>What a manifest GET returns for the client's Accept header.</summary>
public sealed class ContentNegotiationTests
{
    private const string Name = "library/multi";

    [Theory]
    [InlineData(Oci.OciIndex, Oci.OciManifest)]
    [InlineData(Oci.DockerManifestList, Oci.DockerManifest)]
    public async Task GetIndex_WithAcceptLackingIndexTypes_ReturnsLinuxAmd64Child(string indexType, string childType)
    {
        await using var registry = await TestRegistry.StartAsync();
        await ManifestEndpointTests.PushIndexAsync(registry.Client, Name, "multi", indexType, childType, ("arm64", 1), ("amd64", 2));
        var amd64 = Oci.Json(await Oci.PushImageContentAsync(registry.Client, Name, 2, childType));

        using var response = await ManifestEndpointTests.SendAsync(registry.Client, HttpMethod.Get, Name, "multi", [childType]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(childType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Oci.Sha256(amd64), Oci.Header(response, "Docker-Content-Digest"));
        Assert.Equal(amd64, await response.Content.ReadAsByteArrayAsync(Oci.Token));
    }

    [Fact]
    public async Task HeadIndex_WithAcceptLackingIndexTypes_DescribesLinuxAmd64Child()
    {
        await using var registry = await TestRegistry.StartAsync();
        await ManifestEndpointTests.PushIndexAsync(registry.Client, Name, "multi", Oci.OciIndex, Oci.OciManifest, ("amd64", 3), ("arm64", 4));
        var amd64 = Oci.Json(await Oci.PushImageContentAsync(registry.Client, Name, 3));
        using var response = await ManifestEndpointTests.SendAsync(registry.Client, HttpMethod.Head, Name, "multi", [Oci.OciManifest]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Oci.Sha256(amd64), Oci.Header(response, "Docker-Content-Digest"));
        Assert.Equal(amd64.Length, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task GetIndex_WithoutLinuxAmd64Child_AndAcceptLackingIndexTypes_Returns404ManifestUnknown()
    {
        await using var registry = await TestRegistry.StartAsync();
        await ManifestEndpointTests.PushIndexAsync(registry.Client, Name, "multi", Oci.OciIndex, Oci.OciManifest, ("arm64", 5), ("s390x", 6));
        using var response = await ManifestEndpointTests.SendAsync(registry.Client, HttpMethod.Get, Name, "multi", [Oci.OciManifest]);
        await Oci.AssertErrorAsync(response, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task GetIndex_WhenAmd64ChildTypeIsNotAccepted_Returns404ManifestUnknown()
    {
        await using var registry = await TestRegistry.StartAsync();
        await ManifestEndpointTests.PushIndexAsync(registry.Client, Name, "multi", Oci.OciIndex, Oci.OciManifest, ("amd64", 7));
        using var response = await ManifestEndpointTests.SendAsync(registry.Client, HttpMethod.Get, Name, "multi", [Oci.DockerManifest]);
        await Oci.AssertErrorAsync(response, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Theory]
    [InlineData(Oci.OciIndex)]
    [InlineData("*/*")]
    [InlineData(Oci.OciManifest + ", " + Oci.OciIndex)]
    public async Task GetIndex_WithAcceptAdmittingIndex_ReturnsTheIndex(string accept)
    {
        await using var registry = await TestRegistry.StartAsync();
        var (index, digest) = await ManifestEndpointTests.PushIndexAsync(registry.Client, Name, "multi", Oci.OciIndex, Oci.OciManifest, ("amd64", 8));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Name}/manifests/multi");
        request.Headers.TryAddWithoutValidation("Accept", accept);
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Oci.OciIndex, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(digest, Oci.Header(response, "Docker-Content-Digest"));
        Assert.Equal(index, await response.Content.ReadAsByteArrayAsync(Oci.Token));
    }

    [Fact]
    public async Task GetIndex_WithAcceptInSeveralHeadersAndQualities_ReturnsTheIndex()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (_, digest) = await ManifestEndpointTests.PushIndexAsync(registry.Client, Name, "multi", Oci.OciIndex, Oci.OciManifest, ("amd64", 9));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Name}/manifests/multi");
        request.Headers.TryAddWithoutValidation("Accept", Oci.DockerManifest);
        request.Headers.TryAddWithoutValidation("Accept", Oci.OciIndex + ";q=0.5");
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(digest, Oci.Header(response, "Docker-Content-Digest"));
    }

    [Fact]
    public async Task GetIndexByDigest_WithAcceptLackingIndexTypes_ReturnsLinuxAmd64Child()
    {
        await using var registry = await TestRegistry.StartAsync();
        var (_, digest) = await ManifestEndpointTests.PushIndexAsync(registry.Client, Name, "multi", Oci.DockerManifestList, Oci.DockerManifest, ("amd64", 10));
        using var response = await ManifestEndpointTests.SendAsync(registry.Client, HttpMethod.Get, Name, digest, [Oci.DockerManifest]);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(Oci.DockerManifest, response.Content.Headers.ContentType?.MediaType);
    }
}
