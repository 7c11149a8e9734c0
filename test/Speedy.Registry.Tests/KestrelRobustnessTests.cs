using System.Net;
using System.Net.Sockets;
using System.Text;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

/// <summary>Truncated bodies, disconnects and absurd headers against a real Kestrel, over raw sockets.</summary>
public sealed class KestrelRobustnessTests
{
    private const string Name = "robust/repo";

    [Fact]
    public async Task Patch_WhenClientDisconnectsMidBody_KeepsReceivedBytesAndResumes()
    {
        await using var registry = await KestrelRegistry.StartAsync();
        var data = Oci.RandomBytes(3_000_000, 1);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        const int Sent = 1_234_567;

        using (var socket = await registry.ConnectAsync())
        {
            var head = $"PATCH {location} HTTP/1.1\r\nHost: registry\r\nContent-Type: application/octet-stream\r\nContent-Length: {data.Length}\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), Oci.Token);
            await socket.SendAsync(data.AsMemory(0, Sent), Oci.Token);
            await Task.Delay(300, Oci.Token);
            socket.Shutdown(SocketShutdown.Both);
        }

        var range = await WaitForRangeAsync(registry.Client, location, $"0-{Sent - 1}");
        Assert.Equal($"0-{Sent - 1}", range);
        await AssertAliveAsync(registry);

        location = await ResumeAsync(registry.Client, location, data, Sent);
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + Oci.Sha256(data)), null, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{Oci.Sha256(data)}", Oci.Token));
    }

    [Fact]
    public async Task Patch_WhenConnectionIsResetMidBody_ReportsAConsistentSizeAndResumes()
    {
        await using var registry = await KestrelRegistry.StartAsync();
        var data = Oci.RandomBytes(2_000_000, 2);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        const int Sent = 777_777;

        using (var socket = await registry.ConnectAsync())
        {
            var head = $"PATCH {location} HTTP/1.1\r\nHost: registry\r\nContent-Length: {data.Length}\r\nContent-Range: 0-{data.Length - 1}\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), Oci.Token);
            await socket.SendAsync(data.AsMemory(0, Sent), Oci.Token);
            await Task.Delay(300, Oci.Token);
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }

        var size = await WaitForSettledSizeAsync(registry.Client, location);
        Assert.InRange(size, 0, Sent);
        await AssertAliveAsync(registry);

        location = await ResumeAsync(registry.Client, location, data, (int)size);
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + Oci.Sha256(data)), null, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{Oci.Sha256(data)}", Oci.Token));
    }

    [Fact]
    public async Task PutUpload_WhenClientDisconnectsMidBody_PublishesNothingAndResumes()
    {
        await using var registry = await KestrelRegistry.StartAsync();
        var data = Oci.RandomBytes(500_000, 3);
        var digest = Oci.Sha256(data);
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        const int Sent = 200_000;

        using (var socket = await registry.ConnectAsync())
        {
            var head = $"PUT {Oci.WithQuery(location, "digest=" + digest)} HTTP/1.1\r\nHost: registry\r\nContent-Length: {data.Length}\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), Oci.Token);
            await socket.SendAsync(data.AsMemory(0, Sent), Oci.Token);
            await Task.Delay(300, Oci.Token);
            socket.Shutdown(SocketShutdown.Both);
        }

        Assert.Equal($"0-{Sent - 1}", await WaitForRangeAsync(registry.Client, location, $"0-{Sent - 1}"));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
        location = await ResumeAsync(registry.Client, location, data, Sent);
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + digest), null, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task MonolithicPost_TruncatedMidBody_PublishesNothing()
    {
        await using var registry = await KestrelRegistry.StartAsync();
        var data = Oci.RandomBytes(1_500_000, 4);
        var digest = Oci.Sha256(data);
        using (var socket = await registry.ConnectAsync())
        {
            var head = $"POST /v2/{Name}/blobs/uploads/?digest={digest} HTTP/1.1\r\nHost: registry\r\nContent-Length: {data.Length}\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), Oci.Token);
            await socket.SendAsync(data.AsMemory(0, 1_000_000), Oci.Token);
            await Task.Delay(300, Oci.Token);
            socket.Shutdown(SocketShutdown.Both);
        }

        await WaitForNoFilesAsync(registry, "/repositories");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
        using var get = await registry.Client.GetAsync($"/v2/{Name}/blobs/{digest}", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        await AssertAliveAsync(registry);
    }

    [Fact]
    public async Task MonolithicPost_TruncatedWhereThePrefixMatchesTheDigest_PublishesNothing()
    {
        await using var registry = await KestrelRegistry.StartAsync();
        var data = Oci.RandomBytes(100_000, 5);
        var prefixDigest = Oci.Sha256(data.AsSpan(0, 60_000));
        using (var socket = await registry.ConnectAsync())
        {
            var head = $"POST /v2/{Name}/blobs/uploads/?digest={prefixDigest} HTTP/1.1\r\nHost: registry\r\nContent-Length: {data.Length}\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), Oci.Token);
            await socket.SendAsync(data.AsMemory(0, 60_000), Oci.Token);
            await Task.Delay(300, Oci.Token);
            socket.Shutdown(SocketShutdown.Both);
        }

        await WaitForNoFilesAsync(registry, "/repositories");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
        await AssertAliveAsync(registry);
    }

    [Fact]
    public async Task ManifestPut_TruncatedMidBody_StoresNothing()
    {
        await using var registry = await KestrelRegistry.StartAsync();
        var body = Oci.Json(await Oci.PushImageContentAsync(registry.Client, Name, 6));
        using (var socket = await registry.ConnectAsync())
        {
            var head = $"PUT /v2/{Name}/manifests/v1 HTTP/1.1\r\nHost: registry\r\nContent-Type: {Oci.OciManifest}\r\nContent-Length: {body.Length + 100}\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), Oci.Token);
            await socket.SendAsync(body, Oci.Token);
            await Task.Delay(300, Oci.Token);
            socket.Shutdown(SocketShutdown.Both);
        }

        await AssertAliveAsync(registry);
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/v1", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, $"/repositories/{Name}/_manifests"));
    }

    [Fact]
    public async Task ManifestPut_ResetMidBody_StoresNothingAndLogsNoError()
    {
        await using var registry = await KestrelRegistry.StartAsync();
        var body = Oci.Json(await Oci.PushImageContentAsync(registry.Client, Name, 7));
        using (var socket = await registry.ConnectAsync())
        {
            var head = $"PUT /v2/{Name}/manifests/v1 HTTP/1.1\r\nHost: registry\r\nContent-Type: {Oci.OciManifest}\r\nContent-Length: {body.Length + 100}\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), Oci.Token);
            await socket.SendAsync(body, Oci.Token);
            await Task.Delay(300, Oci.Token);
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }

        await AssertAliveAsync(registry);
        using var get = await registry.Client.GetAsync($"/v2/{Name}/manifests/v1", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task MonolithicPost_ResetMidBody_PublishesNothingAndLogsNoError()
    {
        await using var registry = await KestrelRegistry.StartAsync();
        var data = Oci.RandomBytes(1_500_000, 8);
        using (var socket = await registry.ConnectAsync())
        {
            var head = $"POST /v2/{Name}/blobs/uploads/?digest={Oci.Sha256(data)} HTTP/1.1\r\nHost: registry\r\nContent-Length: {data.Length}\r\n\r\n";
            await socket.SendAsync(Encoding.ASCII.GetBytes(head), Oci.Token);
            await socket.SendAsync(data.AsMemory(0, 700_000), Oci.Token);
            await Task.Delay(300, Oci.Token);
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }

        await WaitForNoFilesAsync(registry, "/repositories");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
        await AssertAliveAsync(registry);
    }

    [Theory]
    [InlineData("99999999999999999999")]
    [InlineData("-1")]
    [InlineData("-99999999999999999999")]
    [InlineData("abc")]
    [InlineData("1, 2")]
    [InlineData("0x10")]
    [InlineData("")]
    public async Task AbsurdContentLength_Gets4xx(string contentLength)
    {
        await using var registry = await KestrelRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        foreach (var (method, target) in (ValueTuple<string, string>[])
        [
            ("PATCH", location),
            ("PUT", Oci.WithQuery(location, "digest=" + Oci.Sha256([1]))),
            ("POST", $"/v2/{Name}/blobs/uploads/?digest={Oci.Sha256([1])}"),
            ("POST", $"/v2/{Name}/blobs/uploads/"),
            ("PUT", $"/v2/{Name}/manifests/v1"),
        ])
        {
            var response = await registry.SendRawAsync(
                $"{method} {target} HTTP/1.1\r\nHost: registry\r\nContent-Length: {contentLength}\r\nConnection: close\r\n\r\n", "x"u8.ToArray());
            Assert.True(response.Status is >= 400 and < 500, $"{method} {target}: {response.Status}\n{response.Head}\n{response.Body}");
        }

        Assert.Equal("0-0", await UploadEndpointTests.StatusRangeAsync(registry.Client, location));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
        await AssertAliveAsync(registry);
    }

    [Fact]
    public async Task ManifestPut_WithHugeContentLength_Gets413WithoutReadingTheBody()
    {
        await using var registry = await KestrelRegistry.StartAsync();
        var response = await registry.SendRawAsync(
            $"PUT /v2/{Name}/manifests/v1 HTTP/1.1\r\nHost: registry\r\nContent-Type: {Oci.OciManifest}\r\nContent-Length: 9223372036854775807\r\n\r\n{{");
        Assert.Equal(413, response.Status);
        Assert.Contains("MANIFEST_INVALID", response.Body, StringComparison.Ordinal);
        await AssertAliveAsync(registry);
    }

    [Theory]
    [InlineData("0-99999999999999999999")]
    [InlineData("0-9223372036854775807")]
    [InlineData("9223372036854775807-9223372036854775807")]
    [InlineData("-1-5")]
    [InlineData("bytes */*")]
    [InlineData("0-0, 1-1")]
    [InlineData("\u00ff")]
    public async Task AbsurdContentRange_Gets4xx(string contentRange)
    {
        await using var registry = await KestrelRegistry.StartAsync();
        var location = await Oci.StartUploadAsync(registry.Client, Name);
        foreach (var method in (string[])["PATCH", "PUT"])
        {
            var target = method == "PUT" ? Oci.WithQuery(location, "digest=" + Oci.Sha256([1])) : location;
            var head = $"{method} {target} HTTP/1.1\r\nHost: registry\r\nContent-Length: 1\r\nContent-Range: {contentRange}\r\nConnection: close\r\n\r\n";
            var response = await registry.SendRawAsync(head, [1]);
            Assert.True(response.Status is >= 400 and < 500, $"{method} {contentRange}: {response.Status}\n{response.Head}\n{response.Body}");
        }

        Assert.Equal("0-0", await UploadEndpointTests.StatusRangeAsync(registry.Client, location));
        await AssertAliveAsync(registry);
    }

    [Theory]
    [InlineData("/v2/../x/tags/list")]
    [InlineData("/v2/a/../x/tags/list")]
    [InlineData("/v2/a/../../x/tags/list")]
    [InlineData("/v2/%2e%2e/x/tags/list")]
    [InlineData("/v2/a/%2e%2e/x/tags/list")]
    [InlineData("/v2/a/%2E%2E/%2e%2e/x/tags/list")]
    [InlineData("/v2/./x/tags/list")]
    [InlineData("/v2/a%2fb/tags/list")]
    [InlineData("/v2/a%2F..%2Fb/tags/list")]
    [InlineData("/v2/a//b/tags/list")]
    [InlineData("/v2/A/tags/list")]
    [InlineData("/v2/a/..%2f..%2fx/manifests/latest")]
    [InlineData("/v2/a/../x/blobs/uploads/")]
    public async Task PathWithInvalidName_Gets400NameInvalid(string target)
    {
        await using var registry = await KestrelRegistry.StartAsync();
        await Oci.PushImageAsync(registry.Client, "x", "latest");
        await Oci.PushImageAsync(registry.Client, "b", "latest");
        var method = target.EndsWith("/uploads/", StringComparison.Ordinal) ? "POST" : "GET";
        var response = await registry.SendRawAsync($"{method} {target} HTTP/1.1\r\nHost: registry\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        Assert.True(response.Status == 400, $"{target}: {response.Status}\n{response.Body}");
        Assert.Contains("\"NAME_INVALID\"", response.Body, StringComparison.Ordinal);
        Assert.Equal("registry/2.0", response.Header("Docker-Distribution-API-Version"));
    }

    [Theory]
    [InlineData("/v2/a%00b/tags/list")]
    [InlineData("/v2/%ff/tags/list")]
    [InlineData("/v2/a%/tags/list")]
    [InlineData("/v2/../../../../etc/passwd")]
    [InlineData("/v2/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/../v2/")]
    [InlineData("*")]
    public async Task PathThatEscapesOrIsMalformed_Gets4xx(string target)
    {
        await using var registry = await KestrelRegistry.StartAsync();
        var response = await registry.SendRawAsync($"GET {target} HTTP/1.1\r\nHost: registry\r\nConnection: close\r\n\r\n");
        Assert.True(response.Status is >= 400 and < 500, $"{target}: {response.Status}\n{response.Body}");
        await AssertAliveAsync(registry);
    }

    [Theory]
    [InlineData("GET /v2/robust/repo/blobs/sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 HTTP/1.1\r\nRange: bytes=0-99999999999999999999\r\n")]
    [InlineData("GET /v2/robust/repo/blobs/sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 HTTP/1.1\r\nRange: bytes=-9223372036854775808\r\n")]
    [InlineData("GET /v2/robust/repo/manifests/latest HTTP/1.1\r\nAccept: ;;;,,,*/*;q=abc\r\n")]
    [InlineData("GET /v2/_catalog?n=99999999999999999999999 HTTP/1.1\r\n")]
    [InlineData("GET /v2/_catalog?n=1&n=2 HTTP/1.1\r\n")]
    [InlineData("GET /v2/_catalog?last=%ff%fe HTTP/1.1\r\n")]
    [InlineData("GET /v2/robust/repo/tags/list?n=2147483647&last= HTTP/1.1\r\n")]
    [InlineData("GET /v2/robust/repo/referrers/sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855?artifactType=%00 HTTP/1.1\r\n")]
    [InlineData("POST /v2/robust/repo/blobs/uploads/?digest=sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855&digest=sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 HTTP/1.1\r\nContent-Length: 0\r\n")]
    [InlineData("POST /v2/robust/repo/blobs/uploads/?mount=sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855&from=robust/repo&from=x HTTP/1.1\r\nContent-Length: 0\r\n")]
    [InlineData("PUT /v2/robust/repo/manifests/latest HTTP/1.1\r\nContent-Type: \u00ff\r\nContent-Length: 2\r\n\r\n{}")]
    [InlineData("PUT /v2/robust/repo/manifests/latest HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("POST /v2/robust/repo/blobs/uploads/?digest=sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n")]
    [InlineData("GET /v2/robust/repo/blobs/uploads/0123456789abcdef0123456789abcdef?_state=%ff HTTP/1.1\r\n")]
    [InlineData("GET /v2/robust/repo/blobs/uploads/..?_state=x HTTP/1.1\r\n")]
    [InlineData("GET /v2/robust/repo/manifests/sha256%3Ae3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 HTTP/1.1\r\n")]
    [InlineData("GET /v2/robust/repo/manifests/%ff HTTP/1.1\r\n")]
    [InlineData("GET /v2/robust/repo/manifests/%zz HTTP/1.1\r\n")]
    [InlineData("DELETE /v2/robust/repo/manifests/%2e%2e HTTP/1.1\r\n")]
    [InlineData("HEAD /v2/robust/repo/manifests/nosuch HTTP/1.1\r\n")]
    [InlineData("BREW /v2/ HTTP/1.1\r\n")]
    public async Task OddRequest_NeverGetsA500(string request)
    {
        await using var registry = await KestrelRegistry.StartAsync();
        await Oci.PushImageAsync(registry.Client, Name, "latest");
        var split = request.IndexOf("\r\n", StringComparison.Ordinal);
        var extra = request[(split + 2)..];
        var bodyStart = extra.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        var headers = bodyStart < 0 ? extra : extra[..(bodyStart + 2)];
        var body = bodyStart < 0 ? string.Empty : extra[(bodyStart + 4)..];
        var raw = request[..(split + 2)] + "Host: registry\r\nConnection: close\r\n" + headers + "\r\n" + body;
        var response = await registry.SendRawAsync(raw);
        Assert.True(response.Status is > 0 and < 500, $"{response.Status}\n{response.Head}\n{response.Body}");
        await AssertAliveAsync(registry);
    }

    /// <summary>
    /// Sends the rest of <paramref name="data"/> from <paramref name="offset"/>, as a client resuming after a
    /// disconnect does: while the server still finishes the broken request it answers 416, so ask again.
    /// </summary>
    private static async Task<string> ResumeAsync(HttpClient client, string location, byte[] data, int offset)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var content = Oci.Octets(data, offset);
            content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{data.Length - 1}");
            using var request = new HttpRequestMessage(HttpMethod.Patch, location) { Content = content };
            using var response = await client.SendAsync(request, Oci.Token);
            if (response.StatusCode == HttpStatusCode.Accepted)
            {
                Assert.Equal($"0-{data.Length - 1}", Oci.Header(response, "Range"));
                return Oci.Location(response);
            }

            Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, response.StatusCode);
            Assert.Equal(offset == 0 ? "0-0" : $"0-{offset - 1}", Oci.Header(response, "Range"));
            await Task.Delay(50, Oci.Token);
        }

        Assert.Fail("the upload stayed busy");
        return location;
    }

    private static async Task AssertAliveAsync(KestrelRegistry registry)
    {
        using var response = await registry.Client.GetAsync("/v2/", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Polls the upload's status until it reports <paramref name="expected"/> (the failed request may still be saving); returns the last Range.</summary>
    private static async Task<string?> WaitForRangeAsync(HttpClient client, string location, string expected)
    {
        string? range = null;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            range = await UploadEndpointTests.StatusRangeAsync(client, location);
            if (range == expected)
            {
                return range;
            }

            await Task.Delay(50, Oci.Token);
        }

        return range;
    }

    /// <summary>Polls the upload's size until two reads a while apart agree.</summary>
    private static async Task<long> WaitForSettledSizeAsync(HttpClient client, string location)
    {
        long? previous = null;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var range = await UploadEndpointTests.StatusRangeAsync(client, location);
            Assert.NotNull(range);
            var end = long.Parse(range.AsSpan(range.IndexOf('-', StringComparison.Ordinal) + 1), System.Globalization.CultureInfo.InvariantCulture);
            var size = end == 0 ? 0 : end + 1;
            if (size == previous && size > 0)
            {
                return size;
            }

            previous = size;
            await Task.Delay(200, Oci.Token);
        }

        return previous ?? 0;
    }

    private static async Task WaitForNoFilesAsync(KestrelRegistry registry, string root)
    {
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var files = await Oci.ListFilesAsync(registry.Driver, root);
            if (files.Count == 0)
            {
                break;
            }

            await Task.Delay(50, Oci.Token);
        }

        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, root));
    }
}
