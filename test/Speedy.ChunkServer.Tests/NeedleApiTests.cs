using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ChunkServer.Tests;

/// <summary>Needles over HTTP: write, read (whole, ranged, HEAD), delete, and the answers to ids that name nothing.</summary>
public sealed partial class NeedleApiTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private TestChunkServer _server = null!; // set in InitializeAsync, before any test runs

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private HttpClient Client => _server.Client;

    public async ValueTask InitializeAsync() => _server = await TestChunkServer.StartAsync(_directory.Path, Token);

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        _directory.Dispose();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(5 << 20)]
    public async Task PostThenGet_ReturnsByteIdenticalData(int length)
    {
        var data = Payload.Create((ulong)length + 1, length);

        var fileId = await ChunkApi.PostFileIdAsync(Client, data, Token);

        var read = await ChunkApi.GetAsync(Client, fileId, Token);
        Assert.Equal(data.Length, read.Length);
        Assert.True(data.AsSpan().SequenceEqual(read), "the needle reads back different bytes");
    }

    [Fact]
    public async Task Post_ReturnsCanonicalFileIdOfGroupVolumeNeedleAndCookie()
    {
        var first = await ChunkApi.PostAsync(Client, Payload.Create(1, 100), Token);
        var second = await ChunkApi.PostAsync(Client, Payload.Create(2, 100), Token);

        foreach (var written in (NeedleWritten[])[first, second])
        {
            Assert.Matches(CanonicalFileId(), written.Fid);
            var fileId = FileId.Parse(written.Fid);
            Assert.Equal(new GroupId(1), fileId.Group);
            Assert.Equal(written.Fid, fileId.ToString());
            Assert.Contains(await ChunkApi.VolumesAsync(Client, Token), v => v.Id == fileId.Volume.Value);
        }

        Assert.NotEqual(FileId.Parse(first.Fid).Needle, FileId.Parse(second.Fid).Needle);
    }

    [Fact]
    public async Task Get_WithRange_Returns206WithExactlyThoseBytes()
    {
        var data = Payload.Create(3, 10_000);
        var fileId = await ChunkApi.PostFileIdAsync(Client, data, Token);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/needles/{fileId}");
        request.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var response = await Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("bytes 1000-1999/10000", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(data[1000..2000], await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task Get_WithSuffixRange_Returns206WithTheLastBytes()
    {
        var data = Payload.Create(4, 5000);
        var fileId = await ChunkApi.PostFileIdAsync(Client, data, Token);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/needles/{fileId}");
        request.Headers.Range = new RangeHeaderValue(null, 10);
        using var response = await Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(data[4990..], await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task Get_WithRangeStartingPastTheEnd_Returns416WithTheLength()
    {
        var fileId = await ChunkApi.PostFileIdAsync(Client, Payload.Create(5, 100), Token);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/needles/{fileId}");
        request.Headers.Range = new RangeHeaderValue(100, null);
        using var response = await Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
        Assert.Equal("bytes */100", response.Content.Headers.ContentRange?.ToString());
    }

    [Fact]
    public async Task Head_ReturnsLengthAndAcceptRangesWithoutBody()
    {
        var fileId = await ChunkApi.PostFileIdAsync(Client, Payload.Create(6, 12_345), Token);

        using var request = new HttpRequestMessage(HttpMethod.Head, $"/needles/{fileId}");
        using var response = await Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(12_345, response.Content.Headers.ContentLength);
        Assert.Equal("bytes", Assert.Single(response.Headers.AcceptRanges));
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task Head_OfUnknownNeedle_Returns404()
    {
        var fileId = await ChunkApi.PostFileIdAsync(Client, Payload.Create(7, 10), Token);

        using var request = new HttpRequestMessage(HttpMethod.Head, $"/needles/{fileId with { Needle = new NeedleId(fileId.Needle.Value + 1000) }}");
        using var response = await Client.SendAsync(request, Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Get_WithWrongCookie_Returns404AsIfTheNeedleDidNotExist()
    {
        var fileId = await ChunkApi.PostFileIdAsync(Client, Payload.Create(8, 10), Token);
        var wrong = fileId with { Cookie = new Speedy.Volume.Cookie(fileId.Cookie.Value ^ 1) };

        using var response = await Client.GetAsync($"/needles/{wrong}", Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("not found", await ChunkApi.ErrorAsync(response, Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.DeleteAsync(Client, wrong, Token));
        Assert.Equal(10, (await ChunkApi.GetAsync(Client, fileId, Token)).Length);
    }

    [Fact]
    public async Task Get_InUnknownVolume_Returns404()
    {
        var fileId = await ChunkApi.PostFileIdAsync(Client, Payload.Create(9, 10), Token);
        var elsewhere = fileId with { Volume = new VolumeId(4242) };

        using var response = await Client.GetAsync($"/needles/{elsewhere}", Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await ChunkApi.ErrorAsync(response, Token);
        Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.DeleteAsync(Client, elsewhere, Token));
    }

    [Theory]
    [InlineData("nonsense")]
    [InlineData("1.1")]
    [InlineData("1.1,")]
    [InlineData("1.1,1234567")]
    [InlineData("1.1,01deadbeef")]
    [InlineData("1.1,1DEADBEEF")]
    [InlineData("01.1,1deadbeef")]
    [InlineData("-1.1,1deadbeef")]
    [InlineData("4294967296.1,1deadbeef")]
    [InlineData("1.1,1deadbeef ")]
    [InlineData("1.1,11111111111111111deadbeef")]
    public async Task AnyMethod_WithInvalidFileId_Returns400(string fid)
    {
        var escaped = Uri.EscapeDataString(fid);

        using var get = await Client.GetAsync($"/needles/{escaped}", Token);
        using var delete = await Client.DeleteAsync($"/needles/{escaped}", Token);
        using var content = new ByteArrayContent([1, 2, 3]);
        using var put = await Client.PutAsync($"/needles/{escaped}", content, Token);

        foreach (var response in (HttpResponseMessage[])[get, delete, put])
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Contains("invalid file id", await ChunkApi.ErrorAsync(response, Token), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Post_WithoutContentLength_Returns411AndStoresNothing()
    {
        var before = await ChunkApi.VolumesAsync(Client, Token);

        using var content = ChunkApi.Chunked(Payload.Create(10, 1000));
        using var response = await Client.PostAsync("/needles", content, Token);

        Assert.Equal(HttpStatusCode.LengthRequired, response.StatusCode);
        Assert.Contains("Content-Length", await ChunkApi.ErrorAsync(response, Token), StringComparison.Ordinal);
        var after = await ChunkApi.VolumesAsync(Client, Token);
        Assert.Equal(Sum(before, v => v.Size), Sum(after, v => v.Size));
    }

    [Fact]
    public async Task Post_WithABodyShorterThanItsContentLength_Returns400AndStoresNothing()
    {
        var before = await ChunkApi.VolumesAsync(Client, Token);

        using var content = new StreamContent(new NonSeekableStream(Payload.Create(13, 1000)));
        content.Headers.ContentLength = 5000;
        using var response = await Client.PostAsync("/needles", content, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Content-Length", await ChunkApi.ErrorAsync(response, Token), StringComparison.Ordinal);
        var after = await ChunkApi.VolumesAsync(Client, Token);
        Assert.Equal(Sum(before, v => v.Needles), Sum(after, v => v.Needles));
        Assert.DoesNotContain(_server.Logs.Entries, e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error);
    }

    [Fact]
    public async Task Delete_Returns204_ThenGetAndDeleteReturn404()
    {
        var fileId = await ChunkApi.PostFileIdAsync(Client, Payload.Create(11, 100), Token);
        var other = await ChunkApi.PostFileIdAsync(Client, Payload.Create(12, 100), Token);

        Assert.Equal(HttpStatusCode.NoContent, await ChunkApi.DeleteAsync(Client, fileId, Token));

        Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.StatusOfGetAsync(Client, fileId.ToString(), Token));
        Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.DeleteAsync(Client, fileId, Token));
        Assert.Equal(Payload.Create(12, 100), await ChunkApi.GetAsync(Client, other, Token));
    }

    private static long Sum(List<VolumeStatus> volumes, Func<VolumeStatus, long> selector)
    {
        long total = 0;
        foreach (var volume in volumes)
        {
            total += selector(volume);
        }

        return total;
    }

    [GeneratedRegex("^1\\.[1-9][0-9]*,[1-9a-f][0-9a-f]*[0-9a-f]{8}$")]
    private static partial Regex CanonicalFileId();
}
