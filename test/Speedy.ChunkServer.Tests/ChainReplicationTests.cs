using System.Net;
using System.Net.Http.Json;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.IO;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ChunkServer.Tests;

/// <summary>
/// <c>PUT /needles/{fid}</c> with <c>X-Speedy-Replicate-To</c>: the bytes flow down a chain of real Kestrel chunk
/// servers, every hop stores them, and only a chain that stored them everywhere is acknowledged.
/// </summary>
public sealed class ChainReplicationTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Put_DownAChainOfThree_StoresIdenticalBytesOnEveryHop_AndAnswersTheirCrc()
    {
        await using var head = await StartAsync("a");
        await using var middle = await StartAsync("b");
        await using var tail = await StartAsync("c");
        var fileId = new FileId(new GroupId(1), new VolumeId(3), new NeedleId(0x2a), new Speedy.Volume.Cookie(0x1badcafe));
        var data = Payload.Create(7, (3 << 20) + 12_345);

        using var response = await PutAsync(head, fileId, data, Url(middle), Url(tail));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var written = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.NeedleWritten, Token);
        Assert.NotNull(written);
        Assert.Equal(new NeedleWritten(fileId.ToString(), data.Length) { Crc = Crc32C.Compute(data) }, written);
        foreach (var server in (TestChunkServer[])[head, middle, tail])
        {
            Assert.Equal(data, await ChunkApi.GetAsync(server.Client, fileId, Token));
        }
    }

    [Fact]
    public async Task Put_WithAnEmptyChain_StoresLocally_AndAnswersTheCrc()
    {
        await using var tail = await StartAsync("a");
        var fileId = new FileId(new GroupId(1), new VolumeId(1), new NeedleId(5), new Speedy.Volume.Cookie(0x01020304));
        var data = Payload.Create(8, 1000);

        using var response = await PutAsync(tail, fileId, data);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var written = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.NeedleWritten, Token);
        Assert.Equal(Crc32C.Compute(data), written?.Crc);
        Assert.Equal(data, await ChunkApi.GetAsync(tail.Client, fileId, Token));
    }

    [Fact]
    public async Task Put_WithADeadLastHop_Answers502NamingIt_AndTheHeadDoesNotAcknowledge()
    {
        await using var head = await StartAsync("a");
        await using var middle = await StartAsync("b");
        var dead = await StartAsync("c");
        var deadUrl = Url(dead);
        await dead.DisposeAsync();
        var fileId = new FileId(new GroupId(1), new VolumeId(3), new NeedleId(0x2b), new Speedy.Volume.Cookie(0x0badf00d));
        var data = Payload.Create(9, 2 << 20);

        using var response = await PutAsync(head, fileId, data, Url(middle), deadUrl);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Contains($"replication failed at {deadUrl}", await ChunkApi.ErrorAsync(response, Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.StatusOfGetAsync(middle.Client, fileId.ToString(), Token));
    }

    [Fact]
    public async Task Put_WithAHopOfAnotherGroup_Answers502NamingThatHop()
    {
        await using var head = await StartAsync("a");
        var otherOptions = TestChunkServer.OptionsFor(_directory.Combine("b"));
        otherOptions.Group = 2;
        await using var other = await TestChunkServer.StartAsync(otherOptions, Token, kestrel: true);
        var fileId = new FileId(new GroupId(1), new VolumeId(1), new NeedleId(6), new Speedy.Volume.Cookie(0x05060708));

        using var response = await PutAsync(head, fileId, Payload.Create(10, 50_000), Url(other));

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        var error = await ChunkApi.ErrorAsync(response, Token);
        Assert.Contains($"replication failed at {Url(other)}: it answered 400", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Put_WithAHopThatIsNotAnHttpUrl_Answers400_AndStoresNothing()
    {
        await using var head = await StartAsync("a");
        var fileId = new FileId(new GroupId(1), new VolumeId(1), new NeedleId(7), new Speedy.Volume.Cookie(0x11111111));

        using var response = await PutAsync(head, fileId, Payload.Create(11, 100), "ftp://example/");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.StatusOfGetAsync(head.Client, fileId.ToString(), Token));
    }

    private static string Url(TestChunkServer server) => server.Client.BaseAddress!.ToString().TrimEnd('/'); // Kestrel servers always have one.

    private static async Task<HttpResponseMessage> PutAsync(TestChunkServer head, FileId fileId, byte[] data, params string[] hops)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/needles/{fileId}") { Content = new ByteArrayContent(data) };
        request.Headers.TryAddWithoutValidation(NeedleEndpoints.ReplicateToHeader, string.Join(',', hops));
        return await head.Client.SendAsync(request, Token);
    }

    private Task<TestChunkServer> StartAsync(string name) =>
        TestChunkServer.StartAsync(TestChunkServer.OptionsFor(_directory.Combine(name)), Token, kestrel: true);
}
