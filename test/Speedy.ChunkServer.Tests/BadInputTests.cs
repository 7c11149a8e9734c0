using System.Net;
using Microsoft.Extensions.Logging;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ChunkServer.Tests;

/// <summary>
/// Requests a client gets wrong or lies in, against a chunk server on real Kestrel: each gets a clean 4xx (or the
/// connection is dropped), never a 500, nothing half-written is ever served, and the server stays up.
/// </summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private TestChunkServer _server = null!; // set in InitializeAsync, before any test runs

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private HttpClient Client => _server.Client;

    private Uri Address => Client.BaseAddress!; // a Kestrel-hosted TestChunkServer always has one

    public async ValueTask InitializeAsync()
    {
        var options = TestChunkServer.OptionsFor(_directory.Path);
        options.VolumeSize = 4L << 20;
        _server = await TestChunkServer.StartAsync(options, Token, kestrel: true);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            Assert.DoesNotContain(_server.Logs.Entries, e => e.Level >= LogLevel.Error);
        }
        finally
        {
            await _server.DisposeAsync();
            _directory.Dispose();
        }
    }

    [Theory]
    [InlineData("%00")]
    [InlineData("%ff%fe")]
    [InlineData("1.1,1deadbeef%00")]
    [InlineData("..")]
    [InlineData("%2e%2e%2f%2e%2e%2fetc%2fpasswd")]
    [InlineData("99999999999999999999999999.1,1deadbeef")]
    [InlineData("1.99999999999,1deadbeef")]
    [InlineData("1.1,ffffffffffffffffffdeadbeef")]
    public async Task GarbageFileIds_AreAnsweredWith4xx_NeverA500(string escapedFid)
    {
        foreach (var method in (HttpMethod[])[HttpMethod.Get, HttpMethod.Head, HttpMethod.Delete, HttpMethod.Put])
        {
            using var request = new HttpRequestMessage(method, $"/needles/{escapedFid}");
            if (method == HttpMethod.Put)
            {
                request.Content = new ByteArrayContent([1, 2, 3]);
            }

            using var response = await Client.SendAsync(request, Token);
            Assert.InRange((int)response.StatusCode, 400, 499);
        }

        await AssertStillServesAsync();
    }

    [Fact]
    public async Task AVeryLongFileId_IsAnsweredWith4xx()
    {
        using var response = await Client.GetAsync("/needles/" + new string('7', 4000), Token);

        Assert.InRange((int)response.StatusCode, 400, 499);
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData("bytes=999999999999999999999999-")]
    [InlineData("bytes=0-999999999999999999999999")]
    [InlineData("bytes=9223372036854775807-")]
    [InlineData("bytes=-9223372036854775807")]
    [InlineData("bytes=5-2")]
    [InlineData("bytes=-0")]
    [InlineData("bytes=--1")]
    [InlineData("bytes=abc")]
    [InlineData("bytes=0-1,3-4")]
    [InlineData("items=0-1")]
    [InlineData("bytes=")]
    public async Task AbsurdRanges_AreAnsweredWith200_206Or416_NeverA500(string range)
    {
        var data = Payload.Create(1, 1000);
        var fileId = await ChunkApi.PostFileIdAsync(Client, data, Token);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/needles/{fileId}");
        Assert.True(request.Headers.TryAddWithoutValidation("Range", range));
        using var response = await Client.SendAsync(request, Token);

        Assert.Contains(response.StatusCode, (HttpStatusCode[])[HttpStatusCode.OK, HttpStatusCode.PartialContent, HttpStatusCode.RequestedRangeNotSatisfiable]);
        var body = await response.Content.ReadAsByteArrayAsync(Token);
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Assert.Equal(data, body);
        }
        else if (response.StatusCode == HttpStatusCode.PartialContent)
        {
            var contentRange = response.Content.Headers.ContentRange;
            Assert.NotNull(contentRange?.From);
            Assert.Equal(data.AsSpan((int)contentRange.From.Value, body.Length).ToArray(), body);
        }
    }

    [Theory]
    [InlineData("-5")]
    [InlineData("abc")]
    [InlineData("99999999999999999999999")]
    [InlineData("1, 2")]
    public async Task A_Post_WithAnInvalidContentLength_Returns400(string contentLength)
    {
        var status = await RawHttp.SendAsync(Address, $"POST /needles HTTP/1.1\r\nContent-Length: {contentLength}", [1, 2, 3, 4, 5], closeAfterBody: false, Token);

        Assert.Equal(400, status);
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData(long.MaxValue)]
    [InlineData(1L << 40)]
    [InlineData(5L << 20)]
    public async Task A_Post_LargerThanAnyVolumeTakes_Returns413_WithoutReadingTheBody(long contentLength)
    {
        var before = await TotalNeedlesAsync();

        var status = await RawHttp.SendAsync(Address, $"POST /needles HTTP/1.1\r\nContent-Length: {contentLength}", new byte[1000], closeAfterBody: false, Token);

        Assert.Equal(413, status);
        Assert.Equal(before, await TotalNeedlesAsync());
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_Put_LargerThanTheVolumeTakes_Returns413()
    {
        var fileId = new FileId(new GroupId(1), new VolumeId(300), new NeedleId(1), new Speedy.Volume.Cookie(0x11111111));

        var status = await RawHttp.SendAsync(Address, $"PUT /needles/{fileId} HTTP/1.1\r\nContent-Length: {long.MaxValue}", new byte[1000], closeAfterBody: false, Token);

        Assert.Equal(413, status);
        Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.StatusOfGetAsync(Client, fileId.ToString(), Token));
        Assert.DoesNotContain(await ChunkApi.VolumesAsync(Client, Token), v => v.Id == fileId.Volume.Value);
    }

    [Fact]
    public async Task A_Post_WithABodyShorterThanItsContentLength_StoresNothing()
    {
        var before = await TotalNeedlesAsync();

        var status = await RawHttp.SendAsync(Address, "POST /needles HTTP/1.1\r\nContent-Length: 100000", Payload.Create(1, 1000), closeAfterBody: true, Token);

        Assert.True(status is null or 400, $"answered {status}");
        Assert.Equal(before, await TotalNeedlesAsync());
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(70_000)]
    [InlineData(2_500_000)]
    public async Task A_Put_WithABodyShorterThanItsContentLength_IsNeverServedHalfWritten(int sent)
    {
        var fileId = new FileId(new GroupId(1), new VolumeId(200), new NeedleId(0x1000 + (ulong)sent), new Speedy.Volume.Cookie(0x22222222));

        var status = await RawHttp.SendAsync(Address, $"PUT /needles/{fileId} HTTP/1.1\r\nContent-Length: {sent + 1}", Payload.Create(2, sent), closeAfterBody: true, Token);

        Assert.True(status is null or 400, $"answered {status}");
        Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.StatusOfGetAsync(Client, fileId.ToString(), Token));
        await AssertStillServesAsync();
    }

    [Theory]
    [InlineData("ffffffffffffffff")]
    [InlineData("fffffffffffffff0")]
    public async Task A_Put_WithANeedleIdAtTheEndOfTheIdSpace_Returns400(string needle)
    {
        var fid = $"1.1,{needle}12345678";

        using var content = new ByteArrayContent([1, 2, 3]);
        using var response = await Client.PutAsync($"/needles/{fid}", content, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ChunkApi.ErrorAsync(response, Token);
        Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.StatusOfGetAsync(Client, fid, Token));
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_Post_WithAnInvalidChunkedBody_Returns411OrIsDropped()
    {
        var status = await RawHttp.SendAsync(Address, "POST /needles HTTP/1.1\r\nTransfer-Encoding: chunked", "zz\r\nhello\r\n"u8.ToArray(), closeAfterBody: false, Token);

        Assert.True(status is null or 400 or 411, $"answered {status}");
        await AssertStillServesAsync();
    }

    [Fact]
    public async Task A_Get_WithABody_OrUnknownMethod_IsAnsweredWith4xx()
    {
        var fileId = await ChunkApi.PostFileIdAsync(Client, Payload.Create(3, 10), Token);

        var patch = await RawHttp.SendAsync(Address, $"PATCH /needles/{fileId} HTTP/1.1\r\nContent-Length: 0", [], closeAfterBody: false, Token);
        var post = await RawHttp.SendAsync(Address, $"POST /needles/{fileId} HTTP/1.1\r\nContent-Length: 0", [], closeAfterBody: false, Token);

        Assert.Equal(405, patch);
        Assert.Equal(405, post);
        await AssertStillServesAsync();
    }

    private async Task<int> TotalNeedlesAsync()
    {
        var total = 0;
        foreach (var volume in await ChunkApi.VolumesAsync(Client, Token))
        {
            total += volume.Needles;
        }

        return total;
    }

    private async Task AssertStillServesAsync()
    {
        var data = Payload.Create(99, 3000);
        var fileId = await ChunkApi.PostFileIdAsync(Client, data, Token);
        Assert.Equal(data, await ChunkApi.GetAsync(Client, fileId, Token));
        Assert.Equal("ok", (await ChunkApi.HealthAsync(Client, Token)).Status);
    }
}
