using System.Net;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

public sealed class UploadEndpointTests
{
    private const string Name = "team/uploads";

    [Fact]
    public async Task StartUpload_Returns202WithSignedLocationUuidAndEmptyRange()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.PostAsync($"/v2/{Name}/blobs/uploads/", null, Oci.Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var uuid = Oci.Header(response, "Docker-Upload-UUID");
        Assert.False(string.IsNullOrEmpty(uuid));
        var location = Oci.Location(response);
        Assert.StartsWith($"/v2/{Name}/blobs/uploads/{uuid}?", location, StringComparison.Ordinal);
        Assert.Contains("_state=", location, StringComparison.Ordinal);
        Assert.Equal("0-0", Oci.Header(response, "Range"));
        Assert.Equal(0, response.Content.Headers.ContentLength);
    }

    [Fact]
    public async Task StartUpload_WithoutTrailingSlash_Returns202()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.PostAsync($"/v2/{Name}/blobs/uploads", null, Oci.Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    [Fact]
    public async Task PostThenPut_WithWholeBody_StoresBlob()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(100_000, 1);
        var digest = Oci.Sha256(data);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + digest), Oci.Octets(data), Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal($"/v2/{Name}/blobs/{digest}", Oci.Location(put));
        Assert.Equal(digest, Oci.Header(put, "Docker-Content-Digest"));
        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, $"/repositories/{Name}/_uploads"));
    }

    [Fact]
    public async Task ChunkedUpload_WithContentRanges_StoresBlob()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(2_500_000, 2);
        var digest = Oci.Sha256(data);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        var offset = 0;
        foreach (var size in (int[])[1_000_000, 1, 999_999, 500_000])
        {
            location = await PatchAsync(registry.Client, location, data, offset, size, withRange: true);
            offset += size;
        }

        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + digest), null, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/repositories/team/uploads/_uploads"));
    }

    [Fact]
    public async Task ChunkedUpload_WithFinalChunkInPut_StoresBlob()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(30_000, 3);
        var digest = Oci.Sha256(data);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        location = await PatchAsync(registry.Client, location, data, 0, 20_000, withRange: true);
        var last = Oci.Octets(data, 20_000);
        last.Headers.TryAddWithoutValidation("Content-Range", "20000-29999");
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + digest), last, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
    }

    [Fact]
    public async Task StreamedPatch_WithoutContentRange_StoresBlob()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(1_300_000, 4);
        var digest = Oci.Sha256(data);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        location = await PatchAsync(registry.Client, location, data, 0, 700_000, withRange: false);
        location = await PatchAsync(registry.Client, location, data, 700_000, 600_000, withRange: false);
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + digest), null, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
    }

    [Fact]
    public async Task StreamedPatch_WithChunkedTransferEncoding_StoresBlob()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(200_000, 5);
        var digest = Oci.Sha256(data);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = new StreamContent(new MemoryStream(data)) };
        patch.Headers.TransferEncodingChunked = true;
        using var patched = await registry.Client.SendAsync(patch, Oci.Token);
        Assert.Equal(HttpStatusCode.Accepted, patched.StatusCode);
        Assert.Equal($"0-{data.Length - 1}", Oci.Header(patched, "Range"));
        using var put = await registry.Client.PutAsync(Oci.WithQuery(Oci.Location(patched), "digest=" + digest), null, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task ChunkedUpload_OfSha512Blob_StoresBlobUnderSha512Digest()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(1_500_000, 6);
        var digest = Oci.Sha512(data);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        location = await PatchAsync(registry.Client, location, data, 0, 1_100_000, withRange: true);
        location = await PatchAsync(registry.Client, location, data, 1_100_000, 400_000, withRange: true);
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + digest), null, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(digest, Oci.Header(put, "Docker-Content-Digest"));
        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
    }

    [Fact]
    public async Task ChunkedUpload_OfSha512Blob_WithWrongDigest_StoresNothing()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(10_000, 7);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        location = await PatchAsync(registry.Client, location, data, 0, data.Length, withRange: true);
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + Oci.Sha512([1])), null, Oci.Token);
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/repositories"));
    }

    [Fact]
    public async Task Patch_OutOfOrderChunk_Returns416WithCurrentRange()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(2000, 8);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        location = await PatchAsync(registry.Client, location, data, 0, 1000, withRange: true);

        var chunk = Oci.Octets(data, 1500, 500);
        chunk.Headers.TryAddWithoutValidation("Content-Range", "1500-1999");
        using var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = chunk };
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable, "RANGE_INVALID");
        Assert.Equal("0-999", Oci.Header(response, "Range"));
        Assert.NotNull(response.Headers.Location);

        Assert.Equal("0-999", await StatusRangeAsync(registry.Client, location));
    }

    [Fact]
    public async Task Patch_RepeatedChunk_Returns416AndKeepsSize()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(2000, 9);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        location = await PatchAsync(registry.Client, location, data, 0, 1000, withRange: true);
        var chunk = Oci.Octets(data, 0, 1000);
        chunk.Headers.TryAddWithoutValidation("Content-Range", "0-999");
        using var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = chunk };
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.RequestedRangeNotSatisfiable, "RANGE_INVALID");
        Assert.Equal("0-999", await StatusRangeAsync(registry.Client, location));

        location = await PatchAsync(registry.Client, location, data, 1000, 1000, withRange: true);
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + Oci.Sha256(data)), null, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Theory]
    [InlineData("0-99")]
    [InlineData("0-1000")]
    [InlineData("bytes 0-49/*")]
    public async Task Patch_WithContentRangeLengthUnlikeContentLength_IsRefused(string range)
    {
        await using var registry = await TestRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        var chunk = Oci.Octets(Oci.RandomBytes(500, 10));
        chunk.Headers.TryAddWithoutValidation("Content-Range", range);
        using var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = chunk };
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        Assert.InRange((int)response.StatusCode, 400, 499);
        await Oci.AssertErrorAsync(response, response.StatusCode, null);
        Assert.Equal("0-0", await StatusRangeAsync(registry.Client, location));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("5-2")]
    [InlineData("-5")]
    [InlineData("0-")]
    [InlineData("0-99999999999999999999")]
    [InlineData("99999999999999999999-99999999999999999999")]
    [InlineData("0-9223372036854775807")]
    [InlineData("-9223372036854775808-0")]
    public async Task Patch_WithMalformedOrAbsurdContentRange_IsRefused(string range)
    {
        await using var registry = await TestRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        var chunk = Oci.Octets(Oci.RandomBytes(10, 11));
        chunk.Headers.TryAddWithoutValidation("Content-Range", range);
        using var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = chunk };
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("0-0", await StatusRangeAsync(registry.Client, location));
    }

    [Fact]
    public async Task PutUpload_WithFinalChunkNotAtTheEnd_Returns416WithCurrentRange()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(3000, 19);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        location = await PatchAsync(registry.Client, location, data, 0, 1000, withRange: true);
        var last = Oci.Octets(data, 2000);
        last.Headers.TryAddWithoutValidation("Content-Range", "2000-2999");
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + Oci.Sha256(data)), last, Oci.Token);
        await Oci.AssertErrorAsync(put, HttpStatusCode.RequestedRangeNotSatisfiable, "RANGE_INVALID");
        Assert.Equal("0-999", Oci.Header(put, "Range"));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
        Assert.Equal("0-999", await StatusRangeAsync(registry.Client, location));
    }

    [Fact]
    public async Task GetUploadStatus_Returns204WithRangeLocationAndUuid()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(4096, 12);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        location = await PatchAsync(registry.Client, location, data, 0, data.Length, withRange: true);
        using var response = await registry.Client.GetAsync(location, Oci.Token);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Equal("0-4095", Oci.Header(response, "Range"));
        Assert.Contains("_state=", Oci.Location(response), StringComparison.Ordinal);
        var uuid = Oci.Header(response, "Docker-Upload-UUID");
        Assert.False(string.IsNullOrEmpty(uuid));
        Assert.Contains(uuid, location, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeleteUpload_Returns204ThenUploadIsUnknown()
    {
        await using var registry = await TestRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        location = await PatchAsync(registry.Client, location, Oci.RandomBytes(100, 13), 0, 100, withRange: true);
        using (var delete = await registry.Client.DeleteAsync(location, Oci.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/repositories"));
        using (var status = await registry.Client.GetAsync(location, Oci.Token))
        {
            await Oci.AssertErrorAsync(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        }

        using (var again = await registry.Client.DeleteAsync(location, Oci.Token))
        {
            await Oci.AssertErrorAsync(again, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        }

        using (var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = Oci.Octets([1]) })
        using (var patched = await registry.Client.SendAsync(patch, Oci.Token))
        {
            await Oci.AssertErrorAsync(patched, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        }

        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + Oci.Sha256([1])), Oci.Octets([1]), Oci.Token);
        await Oci.AssertErrorAsync(put, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
    }

    [Fact]
    public async Task CompletedUpload_IsUnknownAfterwards()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(100, 14);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        using (var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + Oci.Sha256(data)), Oci.Octets(data), Oci.Token))
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }

        using var status = await registry.Client.GetAsync(location, Oci.Token);
        await Oci.AssertErrorAsync(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Fact]
    public async Task PutUpload_WithoutDigest_Returns400DigestInvalid()
    {
        await using var registry = await TestRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        using var put = await registry.Client.PutAsync(location, Oci.Octets([1, 2, 3]), Oci.Token);
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
    }

    [Fact]
    public async Task PutUpload_WithMalformedDigest_Returns400DigestInvalid()
    {
        await using var registry = await TestRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=sha256:1234"), Oci.Octets([1, 2, 3]), Oci.Token);
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
    }

    [Fact]
    public async Task PutUpload_WithDigestMismatch_Returns400AndStoresNothing()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(50_000, 15);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        location = await PatchAsync(registry.Client, location, data, 0, 30_000, withRange: true);
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + Oci.Sha256(data)), Oci.Octets(data, 30_000, 10_000), Oci.Token);
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");

        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/repositories"));
        using var get = await registry.Client.GetAsync($"/v2/{Name}/blobs/{Oci.Sha256(data)}", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task Upload_OfBlobAlreadyStored_LinksItIntoTheRepository()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(1000, 16);
        var digest = await Oci.PushBlobAsync(registry.Client, "first/repo", data);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + digest), Oci.Octets(data), Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
        Assert.Single(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, $"/repositories/{Name}/_uploads"));
    }

    [Fact]
    public async Task Upload_WithStoredBytesBeyondItsState_HashesThemAndCompletes()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(30_000, 17);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        location = await PatchAsync(registry.Client, location, data, 0, 10_000, withRange: true);
        var id = location[(location.LastIndexOf('/') + 1)..location.IndexOf('?', StringComparison.Ordinal)];

        // A replica died after writing a chunk and before saving the state that counts it.
        await using (var writer = await registry.Driver.WriterAsync($"/repositories/{Name}/_uploads/{id}/data", append: true, Oci.Token))
        {
            await writer.WriteAsync(data.AsMemory(10_000, 5_000), Oci.Token);
            await writer.CommitAsync(Oci.Token);
        }

        Assert.Equal("0-14999", await StatusRangeAsync(registry.Client, location));
        location = await PatchAsync(registry.Client, location, data, 15_000, 10_000, withRange: true);
        var last = Oci.Octets(data, 25_000);
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + Oci.Sha256(data)), last, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{Oci.Sha256(data)}", Oci.Token));
    }

    [Fact]
    public async Task Upload_WithStoredBytesShorterThanItsState_IsRefused()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(10_000, 18);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        location = await PatchAsync(registry.Client, location, data, 0, data.Length, withRange: true);
        var id = location[(location.LastIndexOf('/') + 1)..location.IndexOf('?', StringComparison.Ordinal)];
        await registry.Driver.DeleteAsync($"/repositories/{Name}/_uploads/{id}/data", Oci.Token);

        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + Oci.Sha256(data)), null, Oci.Token);
        await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
    }

    [Fact]
    public async Task Upload_WithCorruptState_IsRefused()
    {
        await using var registry = await TestRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        var id = location[(location.LastIndexOf('/') + 1)..location.IndexOf('?', StringComparison.Ordinal)];
        await registry.Driver.PutContentAsync($"/repositories/{Name}/_uploads/{id}/state", "{\"offset\":"u8.ToArray(), Oci.Token);
        using var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = Oci.Octets([1, 2, 3]) };
        using var patched = await registry.Client.SendAsync(patch, Oci.Token);
        await Oci.AssertErrorAsync(patched, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
        using var status = await registry.Client.GetAsync(location, Oci.Token);
        await Oci.AssertErrorAsync(status, HttpStatusCode.BadRequest, "BLOB_UPLOAD_INVALID");
    }

    [Theory]
    [InlineData("not-a-uuid")]
    [InlineData("0123456789abcdef0123456789abcdef")]
    public async Task UploadRequests_ForUnknownSession_AreRefused(string id)
    {
        await using var registry = await TestRegistry.StartAsync();
        using var status = await registry.Client.GetAsync($"/v2/{Name}/blobs/uploads/{id}?_state=AAAAAAAAAAAAAAAAAAAAAA", Oci.Token);
        Assert.InRange((int)status.StatusCode, 400, 404);
        await Oci.AssertErrorAsync(status, status.StatusCode, status.StatusCode == HttpStatusCode.NotFound ? "BLOB_UPLOAD_UNKNOWN" : "BLOB_UPLOAD_INVALID");
    }

    internal static async Task<string> PatchAsync(HttpClient client, string location, byte[] data, int offset, int count, bool withRange)
    {
        var content = Oci.Octets(data, offset, count);
        if (withRange)
        {
            content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + count - 1}");
        }

        using var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = content };
        using var response = await client.SendAsync(request, Oci.Token);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            Assert.Fail($"PATCH returned {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Oci.Token)}");
        }

        Assert.Equal($"0-{offset + count - 1}", Oci.Header(response, "Range"));
        Assert.NotNull(Oci.Header(response, "Docker-Upload-UUID"));
        return Oci.Location(response);
    }

    internal static async Task<string?> StatusRangeAsync(HttpClient client, string location)
    {
        using var response = await client.GetAsync(location, Oci.Token);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        return Oci.Header(response, "Range");
    }
}
