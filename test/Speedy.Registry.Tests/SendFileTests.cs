using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

/// <summary>
/// Blob GETs on the filesystem driver behind a real Kestrel, where the body goes out with <c>sendfile</c>: whole
/// blobs, ranges across the writer's chunks, many responses in order on one connection, a client leaving mid-body.
/// </summary>
public sealed class SendFileTests
{
    private const string Name = "sendfile/repo";

    [Fact]
    public async Task Get_SendsTheWholeBlobAndEveryRange()
    {
        await using var registry = await KestrelRegistry.StartAsync("filesystem");
        var data = Oci.RandomBytes(5_000_001, 1);
        var digest = await Oci.PushBlobAsync(registry.Client, Name, data);

        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
        foreach (var (from, to) in new (long From, long? To)[] { (0, 0), ((1 << 20) - 1, (1 << 20) + 1), (4_000_000, null), (123, 3_456_789) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Name}/blobs/{digest}") { Headers = { Range = new RangeHeaderValue(from, to) } };
            using var response = await registry.Client.SendAsync(request, Oci.Token);
            Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
            var end = to ?? data.Length - 1;
            Assert.Equal($"bytes {from}-{end}/{data.Length}", response.Content.Headers.ContentRange?.ToString());
            Assert.Equal(data.AsSpan((int)from, (int)(end - from + 1)).ToArray(), await response.Content.ReadAsByteArrayAsync(Oci.Token));
        }
    }

    [Fact]
    public async Task ManyResponsesOnOneConnection_ArriveWholeAndInOrder()
    {
        await using var registry = await KestrelRegistry.StartAsync("filesystem");
        var blobs = new[] { 1, 4096, (1 << 20) + 3, 3_000_000 }.Select((size, seed) => Oci.RandomBytes(size, seed + 10)).ToArray();
        var digests = new List<string>();
        foreach (var blob in blobs)
        {
            digests.Add(await Oci.PushBlobAsync(registry.Client, Name, blob));
        }

        var (manifest, manifestDigest) = await Oci.PushImageAsync(registry.Client, Name, "latest");
        using var client = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1, UseProxy = false }) { BaseAddress = registry.Client.BaseAddress };
        for (var round = 0; round < 5; round++)
        {
            for (var i = 0; i < blobs.Length; i++)
            {
                Assert.Equal(blobs[i], await client.GetByteArrayAsync($"/v2/{Name}/blobs/{digests[i]}", Oci.Token));
                using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, $"/v2/{Name}/blobs/{digests[i]}"), Oci.Token);
                Assert.Equal(blobs[i].Length, head.Content.Headers.ContentLength);
                using var missing = await client.GetAsync($"/v2/{Name}/blobs/{Oci.Sha256([(byte)i, (byte)round])}", Oci.Token);
                await Oci.AssertErrorAsync(missing, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
                using var request = new HttpRequestMessage(HttpMethod.Get, $"/v2/{Name}/manifests/{manifestDigest}");
                request.Headers.Accept.ParseAdd(Oci.OciManifest);
                using var response = await client.SendAsync(request, Oci.Token);
                Assert.Equal(manifest, await response.Content.ReadAsByteArrayAsync(Oci.Token));
            }
        }
    }

    [Fact]
    public async Task ReaderPausingLongerThanKestrelsGracePeriod_StillGetsTheWholeBlob()
    {
        await using var registry = await KestrelRegistry.StartAsync("filesystem");
        var data = Oci.RandomBytes(40_000_000, 3);
        var digest = await Oci.PushBlobAsync(registry.Client, Name, data);

        using var socket = await registry.ConnectAsync();
        socket.ReceiveBufferSize = 64 << 10;
        await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /v2/{Name}/blobs/{digest} HTTP/1.1\r\nHost: registry\r\n\r\n"), Oci.Token);
        var buffer = new byte[1];
        Assert.Equal(1, await socket.ReceiveAsync(buffer, Oci.Token));
        // Kestrel's minimum response rate allows a stalled write 5 s; the file region must not be held to it.
        await Task.Delay(TimeSpan.FromSeconds(8), Oci.Token);

        using var received = new MemoryStream();
        received.Write(buffer);
        var chunk = new byte[1 << 20];
        var headEnd = -1;
        while (headEnd < 0 || received.Length < headEnd + 4 + data.Length)
        {
            var read = await socket.ReceiveAsync(chunk, Oci.Token);
            Assert.True(read > 0, $"the registry closed the connection after {received.Length} bytes");
            received.Write(chunk, 0, read);
            headEnd = headEnd >= 0 ? headEnd : received.GetBuffer().AsSpan(0, (int)received.Length).IndexOf("\r\n\r\n"u8);
        }

        var bytes = received.ToArray();
        Assert.StartsWith("HTTP/1.1 200", Encoding.ASCII.GetString(bytes, 0, headEnd));
        Assert.Equal(data, bytes[(headEnd + 4)..]);
    }

    [Fact]
    public async Task ClientLeavingMidBody_LeavesTheRegistryServing()
    {
        await using var registry = await KestrelRegistry.StartAsync("filesystem");
        var data = Oci.RandomBytes(20_000_000, 2);
        var digest = await Oci.PushBlobAsync(registry.Client, Name, data);

        for (var i = 0; i < 3; i++)
        {
            using var socket = await registry.ConnectAsync();
            await socket.SendAsync(Encoding.ASCII.GetBytes($"GET /v2/{Name}/blobs/{digest} HTTP/1.1\r\nHost: registry\r\n\r\n"), Oci.Token);
            var buffer = new byte[100_000];
            Assert.True(await socket.ReceiveAsync(buffer, Oci.Token) > 0);
            if (i == 0)
            {
                socket.LingerState = new LingerOption(true, 0);
            }

            socket.Close();
        }

        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
    }
}
