using System.Net;
using System.Net.Http.Headers;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

public sealed class BlobEndpointTests
{
    private const string Name = "library/blobs";

    [Fact]
    public async Task MonolithicUpload_Returns201WithLocationAndDigest()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(5000, 1);
        var digest = Oci.Sha256(data);
        using var response = await registry.Client.PostAsync($"/v2/{Name}/blobs/uploads/?digest={digest}", Oci.Octets(data), Oci.Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal($"/v2/{Name}/blobs/{digest}", Oci.Location(response));
        Assert.Equal(digest, Oci.Header(response, "Docker-Content-Digest"));

        var blob = await registry.Client.GetByteArrayAsync(Oci.Location(response), Oci.Token);
        Assert.Equal(data, blob);
    }

    [Fact]
    public async Task MonolithicUpload_WithWrongDigest_StoresNothing()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(5000, 2);
        var wrong = Oci.Sha256([1, 2, 3]);
        using var response = await registry.Client.PostAsync($"/v2/{Name}/blobs/uploads/?digest={wrong}", Oci.Octets(data), Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");

        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/repositories"));
        using var get = await registry.Client.GetAsync($"/v2/{Name}/blobs/{wrong}", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task MonolithicUpload_WithInvalidDigest_Returns400DigestInvalid()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.PostAsync($"/v2/{Name}/blobs/uploads/?digest=sha256:nothex", Oci.Octets([1, 2]), Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/repositories"));
    }

    [Fact]
    public async Task MonolithicUpload_OfEmptyBlob_IsServed()
    {
        await using var registry = await TestRegistry.StartAsync();
        var digest = await Oci.PushBlobAsync(registry.Client, Name, []);
        using var response = await registry.Client.GetAsync($"/v2/{Name}/blobs/{digest}", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(0, response.Content.Headers.ContentLength);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Oci.Token));
    }

    [Fact]
    public async Task MonolithicUpload_OfSha512Blob_IsServedUnderItsSha512Digest()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(300_000, 3);
        var digest = Oci.Sha512(data);
        using var response = await registry.Client.PostAsync($"/v2/{Name}/blobs/uploads/?digest={digest}", Oci.Octets(data), Oci.Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(digest, Oci.Header(response, "Docker-Content-Digest"));

        using var get = await registry.Client.GetAsync($"/v2/{Name}/blobs/{digest}", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(digest, Oci.Header(get, "Docker-Content-Digest"));
        Assert.Equal(data, await get.Content.ReadAsByteArrayAsync(Oci.Token));
    }

    [Fact]
    public async Task MonolithicUpload_OfSha512Blob_WithWrongDigest_StoresNothing()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(3000, 4);
        var wrong = Oci.Sha512([9]);
        using var response = await registry.Client.PostAsync($"/v2/{Name}/blobs/uploads/?digest={wrong}", Oci.Octets(data), Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/repositories"));
    }

    [Fact]
    public async Task GetBlob_ReturnsContentWithLengthDigestAndAcceptRanges()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(70_000, 5);
        var digest = await Oci.PushBlobAsync(registry.Client, Name, data);
        using var response = await registry.Client.GetAsync($"/v2/{Name}/blobs/{digest}", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(data.Length, response.Content.Headers.ContentLength);
        Assert.Equal(digest, Oci.Header(response, "Docker-Content-Digest"));
        Assert.Equal("bytes", Oci.Header(response, "Accept-Ranges"));
        Assert.Equal(data, await response.Content.ReadAsByteArrayAsync(Oci.Token));
    }

    [Fact]
    public async Task HeadBlob_ReturnsHeadersWithoutBody()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(1234, 6);
        var digest = await Oci.PushBlobAsync(registry.Client, Name, data);
        using var request = new HttpRequestMessage(HttpMethod.Head, $"/v2/{Name}/blobs/{digest}");
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1234, response.Content.Headers.ContentLength);
        Assert.Equal(digest, Oci.Header(response, "Docker-Content-Digest"));
        Assert.Equal("bytes", Oci.Header(response, "Accept-Ranges"));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Oci.Token));
    }

    [Fact]
    public async Task HeadBlob_OfUnknownBlob_Returns404WithoutBody()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Head, $"/v2/{Name}/blobs/{Oci.Sha256([1])}");
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Oci.Token));
    }

    [Theory]
    [InlineData("bytes=0-9", 0, 10)]
    [InlineData("bytes=10-19", 10, 10)]
    [InlineData("bytes=990-", 990, 10)]
    [InlineData("bytes=995-5000", 995, 5)]
    [InlineData("bytes=-25", 975, 25)]
    [InlineData("bytes=-5000", 0, 1000)]
    [InlineData("bytes=999-999", 999, 1)]
    public async Task GetBlob_WithRange_Returns206AndContentRange(string range, int start, int length)
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(1000, 7);
        var digest = await Oci.PushBlobAsync(registry.Client, Name, data);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Name}/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes {start}-{start + length - 1}/1000", Oci.Header(response, "Content-Range"));
        Assert.Equal(length, response.Content.Headers.ContentLength);
        Assert.Equal(data.AsSpan(start, length).ToArray(), await response.Content.ReadAsByteArrayAsync(Oci.Token));
    }

    [Theory]
    [InlineData("bytes=1000-")]
    [InlineData("bytes=1000-1005")]
    [InlineData("bytes=5000-6000")]
    [InlineData("bytes=-0")]
    public async Task GetBlob_WithUnsatisfiableRange_Returns416WithSize(string range)
    {
        await using var registry = await TestRegistry.StartAsync();
        var digest = await Oci.PushBlobAsync(registry.Client, Name, Oci.RandomBytes(1000, 8));
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Name}/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */1000", Oci.Header(response, "Content-Range"));
    }

    [Theory]
    [InlineData("bytes=abc")]
    [InlineData("bytes=5-2")]
    [InlineData("bytes=0-1,5-6")]
    [InlineData("items=0-5")]
    [InlineData("bytes=")]
    [InlineData("bytes=-")]
    [InlineData("bytes=99999999999999999999-")]
    [InlineData("bytes=--5")]
    public async Task GetBlob_WithMalformedRange_ReturnsWholeBlob(string range)
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(1000, 9);
        var digest = await Oci.PushBlobAsync(registry.Client, Name, data);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Name}/blobs/{digest}");
        request.Headers.TryAddWithoutValidation("Range", range);
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Oci.Header(response, "Content-Range"));
        Assert.Equal(data, await response.Content.ReadAsByteArrayAsync(Oci.Token));
    }

    [Fact]
    public async Task HeadBlob_WithRange_Returns206WithoutBody()
    {
        await using var registry = await TestRegistry.StartAsync();
        var digest = await Oci.PushBlobAsync(registry.Client, Name, Oci.RandomBytes(1000, 10));
        using var request = new HttpRequestMessage(HttpMethod.Head, $"/v2/{Name}/blobs/{digest}");
        request.Headers.Range = new RangeHeaderValue(100, 199);
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 100-199/1000", Oci.Header(response, "Content-Range"));
        Assert.Equal(100, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task DeleteBlob_Returns202ThenBlobIsUnknown()
    {
        await using var registry = await TestRegistry.StartAsync();
        var digest = await Oci.PushBlobAsync(registry.Client, Name, Oci.RandomBytes(100, 11));
        using (var delete = await registry.Client.DeleteAsync($"/v2/{Name}/blobs/{digest}", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        using (var get = await registry.Client.GetAsync($"/v2/{Name}/blobs/{digest}", Oci.Token))
        {
            await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        }

        using var again = await registry.Client.DeleteAsync($"/v2/{Name}/blobs/{digest}", Oci.Token);
        await Oci.AssertErrorAsync(again, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task DeleteBlob_WhenDeletionIsDisabled_Returns405Unsupported()
    {
        await using var registry = await TestRegistry.StartAsync(configure: options => options.DeleteEnabled = false);
        var digest = await Oci.PushBlobAsync(registry.Client, Name, Oci.RandomBytes(100, 12));
        using var delete = await registry.Client.DeleteAsync($"/v2/{Name}/blobs/{digest}", Oci.Token);
        await Oci.AssertErrorAsync(delete, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
        using var get = await registry.Client.GetAsync($"/v2/{Name}/blobs/{digest}", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
    }

    [Fact]
    public async Task GetBlob_OfUnknownBlob_Returns404BlobUnknown()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.GetAsync($"/v2/{Name}/blobs/{Oci.Sha256([42])}", Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task GetBlob_LinkedOnlyInAnotherRepository_Returns404BlobUnknown()
    {
        await using var registry = await TestRegistry.StartAsync();
        var digest = await Oci.PushBlobAsync(registry.Client, "other/repo", Oci.RandomBytes(100, 13));
        using var response = await registry.Client.GetAsync($"/v2/{Name}/blobs/{digest}", Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Theory]
    [InlineData("sha256:abc")]
    [InlineData("sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855")]
    [InlineData("md5:d41d8cd98f00b204e9800998ecf8427e")]
    [InlineData("notadigest")]
    public async Task GetBlob_WithInvalidDigest_Returns400DigestInvalid(string digest)
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.GetAsync($"/v2/{Name}/blobs/{digest}", Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task DeleteBlob_WithInvalidDigest_Returns400DigestInvalid()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.DeleteAsync($"/v2/{Name}/blobs/sha256:zz", Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "DIGEST_INVALID");
    }

    [Fact]
    public async Task PutOnBlob_Returns405Unsupported()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.PutAsync($"/v2/{Name}/blobs/{Oci.Sha256([1])}", Oci.Octets([1]), Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.MethodNotAllowed, "UNSUPPORTED");
    }
}
