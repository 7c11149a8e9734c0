using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Speedy.Testing;

namespace Speedy.MetaServer.Tests;

/// <summary>The meta server's HTTP API as any client sees it: status codes, headers, bodies and limits.</summary>
public sealed class MetaServerApiTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private TestMetaServer? _server;
    private HttpClient? _http;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private HttpClient Http => _http ?? throw new InvalidOperationException("started in InitializeAsync");

    public async ValueTask InitializeAsync()
    {
        _server = await TestMetaServer.StartSqliteAsync(_directory, Token);
        _http = _server.CreateHttpClient();
    }

    public async ValueTask DisposeAsync()
    {
        _http?.Dispose();
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task PutInline_ThenGet_ReturnsTheBytesAsAnOctetStream()
    {
        await PutInlineAsync("/a/b", [1, 2, 3, 0, 255], HttpStatusCode.NoContent);

        using var response = await Http.GetAsync(EntryUri("/a/b"), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/octet-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal([1, 2, 3, 0, 255], await response.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task PutFragmentList_ThenGet_ReturnsTheListAsJson()
    {
        const string Json = """{"size":15,"fragments":[{"index":0,"offset":0,"length":10,"fileId":"3.1,1e22dabc8","crc32c":4294967295},{"index":1,"offset":10,"length":5,"fileId":"3.2,2a","crc32c":0}]}""";
        using (var put = await Http.PutAsync(EntryUri("/blob"), JsonBody(Json), Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, put.StatusCode);
        }

        using var response = await Http.GetAsync(EntryUri("/blob"), Token);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Json, await response.Content.ReadAsStringAsync(Token));
    }

    [Fact]
    public async Task PutInline_OfExactlyOneMebibyte_IsStored()
    {
        await PutInlineAsync("/max", new byte[MetaLimits.MaxInlineLength], HttpStatusCode.NoContent);

        using var response = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, EntryUri("/max")), Token);
        Assert.Equal(MetaLimits.MaxInlineLength.ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "Speedy-Size"));
    }

    [Fact]
    public async Task PutInline_OverOneMebibyte_Is413AndStoresNothing()
    {
        var error = await PutInlineAsync("/big", new byte[MetaLimits.MaxInlineLength + 1], HttpStatusCode.RequestEntityTooLarge);

        Assert.Contains("at most 1048576 bytes", error, StringComparison.Ordinal);
        await AssertStatusAsync(HttpMethod.Get, EntryUri("/big"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task PutInline_OverOneMebibyteWithoutALength_Is413AndStoresNothing()
    {
        using var content = new StreamContent(new ChunkedOnlyStream(new byte[MetaLimits.MaxInlineLength + 100]));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        using var response = await Http.PutAsync(EntryUri("/big"), content, Token);

        Assert.Null(response.RequestMessage?.Content?.Headers.ContentLength);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        await AssertStatusAsync(HttpMethod.Get, EntryUri("/big"), HttpStatusCode.NotFound);
    }

    public static TheoryData<string> BadFragmentLists { get; } =
    [
        "{",
        "not json",
        "null",
        "[]",
        """{"size":1}""",
        """{"size":1,"fragments":[{"index":0,"offset":0,"length":1,"crc32c":0}]}""",
        """{"size":1,"fragments":[{"index":0,"offset":0,"length":1,"fileId":null,"crc32c":0}]}""",
        """{"size":"one","fragments":[]}""",
        """{"size":2,"fragments":[{"index":0,"offset":0,"length":1,"fileId":"1,a","crc32c":0}]}""",
        """{"size":1,"fragments":[{"index":0,"offset":0,"length":1,"fileId":"has space","crc32c":0}]}""",
    ];

    [Theory]
    [MemberData(nameof(BadFragmentLists))]
    public async Task PutFragmentList_ThatIsNotAValidList_Is400WithAJsonError(string body)
    {
        using var response = await Http.PutAsync(EntryUri("/f"), JsonBody(body), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotEmpty(await ErrorAsync(response));
        await AssertStatusAsync(HttpMethod.Head, EntryUri("/f"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Put_OfAnotherMediaType_Is415()
    {
        using var content = new StringContent("x", Encoding.UTF8, "text/plain");

        using var response = await Http.PutAsync(EntryUri("/f"), content, Token);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Contains("text/plain", await ErrorAsync(response), StringComparison.Ordinal);
    }

    public static TheoryData<string> InvalidPaths { get; } = ["", "a", "/a/../b", "/a//b", "/a/", "/a/./b", "/a\\b"];

    [Theory]
    [MemberData(nameof(InvalidPaths))]
    public async Task EveryEndpoint_RefusesAnInvalidPathWith400(string path)
    {
        await AssertStatusAsync(HttpMethod.Get, EntryUri(path), HttpStatusCode.BadRequest);
        await AssertStatusAsync(HttpMethod.Head, EntryUri(path), HttpStatusCode.BadRequest);
        await AssertStatusAsync(HttpMethod.Delete, EntryUri(path), HttpStatusCode.BadRequest);
        await AssertStatusAsync(HttpMethod.Get, "v1/meta/list?path=" + Uri.EscapeDataString(path), HttpStatusCode.BadRequest);
        using (var put = await Http.PutAsync(EntryUri(path), Octets([1]), Token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, put.StatusCode);
            Assert.Contains("invalid", await ErrorAsync(put), StringComparison.Ordinal);
        }

        using (var append = await Http.PostAsync("v1/meta/fragments?path=" + Uri.EscapeDataString(path), JsonBody("""{"fragments":[]}"""), Token))
        {
            Assert.Equal(HttpStatusCode.BadRequest, append.StatusCode);
        }

        using var move = await Http.PostAsync("v1/meta/move", JsonBody(JsonSerializer.Serialize(new { from = path, to = "/b" })), Token);
        Assert.Equal(HttpStatusCode.BadRequest, move.StatusCode);
    }

    [Fact]
    public async Task Requests_WithoutOrWithTwoPathParameters_Are400()
    {
        using var missing = await Http.GetAsync("v1/meta", Token);
        using var twice = await Http.GetAsync("v1/meta?path=%2Fa&path=%2Fb", Token);

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("\"path\" is required", await ErrorAsync(missing), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
    }

    [Fact]
    public async Task MissingPaths_Are404WithAJsonError()
    {
        await PutInlineAsync("/dir/file", [1], HttpStatusCode.NoContent);

        using (var get = await Http.GetAsync(EntryUri("/missing"), Token))
        {
            Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
            Assert.Contains("/missing", await ErrorAsync(get), StringComparison.Ordinal);
        }

        await AssertStatusAsync(HttpMethod.Get, EntryUri("/dir"), HttpStatusCode.NotFound);
        await AssertStatusAsync(HttpMethod.Head, EntryUri("/missing"), HttpStatusCode.NotFound);
        await AssertStatusAsync(HttpMethod.Delete, EntryUri("/missing"), HttpStatusCode.NotFound);
        using var move = await Http.PostAsync("v1/meta/move", JsonBody("""{"from":"/missing","to":"/b"}"""), Token);
        Assert.Equal(HttpStatusCode.NotFound, move.StatusCode);
        Assert.NotEmpty(await ErrorAsync(move));
    }

    [Fact]
    public async Task Conflicts_Are409WithAJsonError()
    {
        await PutInlineAsync("/a/file", [1], HttpStatusCode.NoContent);
        await PutInlineAsync("/src", [2], HttpStatusCode.NoContent);

        var below = await PutInlineAsync("/a/file/below", [1], HttpStatusCode.Conflict);
        var onDirectory = await PutInlineAsync("/a", [1], HttpStatusCode.Conflict);
        using var move = await Http.PostAsync("v1/meta/move", JsonBody("""{"from":"/src","to":"/a"}"""), Token);
        using var append = await Http.PostAsync("v1/meta/fragments?path=%2Fsrc", JsonBody("""{"fragments":[{"index":0,"offset":0,"length":1,"fileId":"1,a","crc32c":0}]}"""), Token);

        Assert.Contains("/a/file", below, StringComparison.Ordinal);
        Assert.NotEmpty(onDirectory);
        Assert.Equal(HttpStatusCode.Conflict, move.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, append.StatusCode);
    }

    [Fact]
    public async Task Head_ReportsKindSizeAndModificationTimeInMicroseconds()
    {
        var before = DateTimeOffset.UtcNow;
        await PutInlineAsync("/d/f", [1, 2, 3], HttpStatusCode.NoContent);

        using var file = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, EntryUri("/d/f")), Token);
        using var directory = await Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, EntryUri("/d")), Token);

        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("file", Header(file, "Speedy-Kind"));
        Assert.Equal("3", Header(file, "Speedy-Size"));
        var modified = DateTimeOffset.UnixEpoch.AddTicks(long.Parse(Header(file, "Speedy-Modified")!, System.Globalization.CultureInfo.InvariantCulture) * 10);
        Assert.InRange(modified, before.AddSeconds(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.Equal("directory", Header(directory, "Speedy-Kind"));
        Assert.Equal("0", Header(directory, "Speedy-Size"));
    }

    [Fact]
    public async Task List_GivesFullPagesANextMarkerAndTheLastPageNone()
    {
        foreach (var name in new[] { "e", "a", "c", "b", "d" })
        {
            await PutInlineAsync("/dir/" + name, [1], HttpStatusCode.NoContent);
        }

        await AssertPageAsync("v1/meta/list?path=%2Fdir&limit=2", ["a", "b"], "b");
        await AssertPageAsync("v1/meta/list?path=%2Fdir&limit=2&startAfter=b", ["c", "d"], "d");
        await AssertPageAsync("v1/meta/list?path=%2Fdir&limit=2&startAfter=d", ["e"], null);
        await AssertPageAsync("v1/meta/list?path=%2Fdir", ["a", "b", "c", "d", "e"], null);
        await AssertPageAsync("v1/meta/list?path=%2Fmissing", [], null);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("10001")]
    [InlineData("ten")]
    public async Task List_WithALimitOutOfRange_Is400(string limit)
    {
        using var response = await Http.GetAsync("v1/meta/list?path=%2F&limit=" + limit, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("limit", await ErrorAsync(response), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AppendFragments_AnswersTheFileSize()
    {
        using var first = await Http.PostAsync("v1/meta/fragments?path=%2Fu", JsonBody("""{"fragments":[{"index":1,"offset":4,"length":4,"fileId":"1,b","crc32c":2}]}"""), Token);
        using var second = await Http.PostAsync("v1/meta/fragments?path=%2Fu", JsonBody("""{"fragments":[{"index":0,"offset":0,"length":4,"fileId":"1,a","crc32c":1}]}"""), Token);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal("""{"size":8}""", await first.Content.ReadAsStringAsync(Token));
        Assert.Equal("""{"size":8}""", await second.Content.ReadAsStringAsync(Token));
    }

    [Theory]
    [InlineData("{")]
    [InlineData("""{"from":"/a"}""")]
    [InlineData("""{"from":"/a","to":null}""")]
    [InlineData("""{"from":1,"to":"/b"}""")]
    public async Task Move_WithABadBody_Is400(string body)
    {
        await PutInlineAsync("/a", [1], HttpStatusCode.NoContent);

        using var response = await Http.PostAsync("v1/meta/move", JsonBody(body), Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.StartsWith("invalid JSON body", await ErrorAsync(response), StringComparison.Ordinal);
        await AssertStatusAsync(HttpMethod.Get, EntryUri("/a"), HttpStatusCode.OK);
    }

    [Fact]
    public async Task Move_Renames_AndDeleteOfADirectoryIsRecursive()
    {
        await PutInlineAsync("/up/1/data", [1], HttpStatusCode.NoContent);
        await PutInlineAsync("/up/2/data", [2], HttpStatusCode.NoContent);

        using (var move = await Http.PostAsync("v1/meta/move", JsonBody("""{"from":"/up/1/data","to":"/blobs/x"}"""), Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, move.StatusCode);
        }

        await AssertStatusAsync(HttpMethod.Delete, EntryUri("/up"), HttpStatusCode.NoContent);
        await AssertStatusAsync(HttpMethod.Get, EntryUri("/up/2/data"), HttpStatusCode.NotFound);
        await AssertPageAsync("v1/meta/list?path=%2F", ["blobs"], null);
    }

    [Fact]
    public async Task PathsWithCharactersThatMeanSomethingInUrls_RoundTripThroughTheClient()
    {
        string[] names = ["a b", "c+d", "e%20f", "g&h=i", "j#k", "l?m", "n;o", "\u00fc\u4e2d", "\ud83d\ude00", "%2F"];
        await using var client = new MetaClient(new MetaClientOptions { Servers = [Http.BaseAddress!] });
        foreach (var name in names)
        {
            await client.PutAsync($"/{name}/{name}", MetaEntry.Inline(Encoding.UTF8.GetBytes(name)), Token);
        }

        foreach (var name in names)
        {
            var entry = await client.GetAsync($"/{name}/{name}", Token);
            Assert.NotNull(entry);
            Assert.Equal(name, Encoding.UTF8.GetString(entry.Content.Span));
            Assert.Equal([name], await client.ListAsync("/" + name, null, 10, Token));
        }

        var sorted = names.ToList();
        sorted.Sort(StringComparer.Ordinal);
        Assert.Equal(sorted, await client.ListAsync("/", null, 100, Token));
        Assert.Equal(sorted.Skip(3), await client.ListAsync("/", sorted[2], 100, Token));
    }

    [Fact]
    public async Task Health_Answers200()
    {
        await AssertStatusAsync(HttpMethod.Get, "health", HttpStatusCode.OK);
    }

    private static string EntryUri(string path) => "v1/meta?path=" + Uri.EscapeDataString(path);

    private static ByteArrayContent Octets(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        return content;
    }

    private static StringContent JsonBody(string json) => new(json, Encoding.UTF8, "application/json");

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : null;

    /// <summary>PUTs inline content, checks the status, and returns the error message (empty on success).</summary>
    private async Task<string> PutInlineAsync(string path, byte[] content, HttpStatusCode expected)
    {
        using var body = Octets(content);
        using var response = await Http.PutAsync(EntryUri(path), body, Token);
        Assert.Equal(expected, response.StatusCode);
        return response.IsSuccessStatusCode ? string.Empty : await ErrorAsync(response);
    }

    private async Task AssertStatusAsync(HttpMethod method, string uri, HttpStatusCode expected)
    {
        using var request = new HttpRequestMessage(method, uri);
        using var response = await Http.SendAsync(request, Token);
        Assert.Equal(expected, response.StatusCode);
        if (method != HttpMethod.Head && !response.IsSuccessStatusCode)
        {
            Assert.NotEmpty(await ErrorAsync(response));
        }
    }

    private async Task AssertPageAsync(string uri, string[] names, string? next)
    {
        var page = await ListAsync(uri);
        Assert.Equal(names, page.Names);
        Assert.Equal(next, page.Next);
    }

    private async Task<(string[] Names, string? Next)> ListAsync(string uri)
    {
        using var response = await Http.GetAsync(uri, Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        var names = document.RootElement.GetProperty("names").EnumerateArray().Select(static n => n.GetString()!).ToArray();
        var next = document.RootElement.GetProperty("next");
        return (names, next.ValueKind == JsonValueKind.Null ? null : next.GetString());
    }

    private static async Task<string> ErrorAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.Single(document.RootElement.EnumerateObject());
        return document.RootElement.GetProperty("error").GetString() ?? string.Empty;
    }
}
