using System.Net;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

/// <summary>Cross-repository blob mounts: <c>POST /v2/&lt;name&gt;/blobs/uploads/?mount=&amp;from=</c>.</summary>
public sealed class MountTests
{
    [Fact]
    public async Task Mount_FromRepositoryHoldingTheBlob_Returns201AndLinksIt()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(1000, 1);
        var digest = await Oci.PushBlobAsync(registry.Client, "source/repo", data);
        using var response = await registry.Client.PostAsync($"/v2/target/repo/blobs/uploads/?mount={digest}&from=source/repo", null, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/v2/target/repo/blobs/{digest}", Oci.Location(response));
        Assert.Equal(digest, Oci.Header(response, "Docker-Content-Digest"));
        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/target/repo/blobs/{digest}", Oci.Token));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/repositories/target/repo/_uploads"));
    }

    [Fact]
    public async Task Mount_FromRepositoryWithoutTheBlob_FallsBackToUploadSession()
    {
        await using var registry = await TestRegistry.StartAsync();
        var digest = await Oci.PushBlobAsync(registry.Client, "elsewhere/repo", Oci.RandomBytes(100, 2));
        await Oci.PushBlobAsync(registry.Client, "source/repo", Oci.RandomBytes(100, 3));
        using var response = await registry.Client.PostAsync($"/v2/target/repo/blobs/uploads/?mount={digest}&from=source/repo", null, Oci.Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("/v2/target/repo/blobs/uploads/", Oci.Location(response), StringComparison.Ordinal);
        Assert.NotNull(Oci.Header(response, "Docker-Upload-UUID"));
        using var get = await registry.Client.GetAsync($"/v2/target/repo/blobs/{digest}", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task Mount_FromUnknownRepository_FallsBackToUploadSession()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.PostAsync($"/v2/target/repo/blobs/uploads/?mount={Oci.Sha256([1])}&from=nowhere", null, Oci.Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task Mount_WithoutFrom_FallsBackToUploadSession()
    {
        await using var registry = await TestRegistry.StartAsync();
        var digest = await Oci.PushBlobAsync(registry.Client, "source/repo", Oci.RandomBytes(100, 4));
        using var response = await registry.Client.PostAsync($"/v2/target/repo/blobs/uploads/?mount={digest}", null, Oci.Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var location = Oci.Location(response);
        Assert.Equal("0-0", await UploadEndpointTests.StatusRangeAsync(registry.Client, location));
        using var get = await registry.Client.GetAsync($"/v2/target/repo/blobs/{digest}", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task Mount_WithInvalidDigest_Returns400DigestInvalid()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.PostAsync("/v2/target/repo/blobs/uploads/?mount=sha256:xyz&from=source/repo", null, Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task Mount_WithInvalidFrom_Returns400NameInvalid()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.PostAsync($"/v2/target/repo/blobs/uploads/?mount={Oci.Sha256([1])}&from=../etc", null, Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "NAME_INVALID");
    }

    [Fact]
    public async Task ErrorBody_QuotingTheRequest_EscapesQuotesAsJsonDoes_NotAsUnicode()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.PostAsync($"/v2/target/repo/blobs/uploads/?mount={Oci.Sha256([1])}&from=Upper/Case", null, Oci.Token);

        var text = await response.Content.ReadAsStringAsync(Oci.Token);
        Assert.Contains("invalid source repository name \\\"Upper/Case\\\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\\u0022", text, StringComparison.Ordinal);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "NAME_INVALID");
    }
}
