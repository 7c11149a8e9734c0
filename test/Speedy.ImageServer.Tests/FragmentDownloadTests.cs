using System.Net;
using System.Net.Http.Headers;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.ImageServer.Tests.Harness;
using Speedy.Volume;

namespace Speedy.ImageServer.Tests;

/// <summary><c>GET /v1/fragments/{fid}</c>: from any replica, failing over on a dead or rotten one, and from memory when hot.</summary>
public sealed class FragmentDownloadTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Download_ReturnsTheUploadedBytes_AndASingleRange()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        var data = Payload.Create(1, 300_000);
        var stored = await cluster.UploadAsync(data, Token);

        Assert.Equal(data, await cluster.DownloadAsync(stored.Fid, Token));

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/v1/fragments/{stored.Fid}");
        request.Headers.Range = new RangeHeaderValue(1000, 1999);
        using var range = await cluster.Client.SendAsync(request, Token);
        Assert.Equal(HttpStatusCode.PartialContent, range.StatusCode);
        Assert.Equal(data.AsSpan(1000, 1000).ToArray(), await range.Content.ReadAsByteArrayAsync(Token));
    }

    [Fact]
    public async Task Download_WithAMemberKilled_ServesTheBytesFromAnotherReplica()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        var fragments = new List<(FragmentStored Stored, byte[] Data)>();
        for (var i = 0; i < 8; i++)
        {
            var data = Payload.Create((ulong)(100 + i), 20_000);
            fragments.Add((await cluster.UploadAsync(data, Token), data));
        }

        for (var g = 0; g < ImageCluster.Groups; g++)
        {
            await cluster.KillAsync(g, 0);
        }

        foreach (var (stored, data) in fragments)
        {
            Assert.Equal(data, await cluster.DownloadAsync(stored.Fid, Token));
        }
    }

    [Fact]
    public async Task Download_WhenTheOnlyMemberListedHealthyIsDead_FailsOverToTheOthers()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        var data = Payload.Create(2, 50_000);
        var stored = await cluster.UploadAsync(data, Token);
        var group = (int)stored.Group - 1;
        await cluster.KillAsync(group, 0);
        cluster.SetHealthy(group, 1, healthy: false);
        cluster.SetHealthy(group, 2, healthy: false);

        Assert.Equal(data, await cluster.DownloadAsync(stored.Fid, Token));

        Assert.Equal(2, cluster.Metrics.UpstreamReads);
        Assert.Equal(1, cluster.Metrics.FailedReads);
    }

    [Fact]
    public async Task Download_OfANeedleRottenOnOneReplica_SeesTheCorruption_AndServesTheGoodBytesFromAnother()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        var data = Payload.Create(3, 40_000);
        var stored = await cluster.UploadAsync(data, Token);
        var fileId = FileId.Parse(stored.Fid);
        var group = (int)stored.Group - 1;
        cluster.FlipByte(group, 0, fileId.Volume, ImageCluster.FirstNeedleData + 12_345);
        // The rotten replica is the one the image server tries first: the others are listed unhealthy.
        cluster.SetHealthy(group, 1, healthy: false);
        cluster.SetHealthy(group, 2, healthy: false);

        Assert.Equal(data, await cluster.DownloadAsync(stored.Fid, Token));

        Assert.Equal(1, cluster.Metrics.FailedReads);
        Assert.Contains(cluster.Logs.Entries, e => e.Message.Contains("answered 500", StringComparison.Ordinal) && e.Message.Contains("CRC", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task Download_NeverReadsFromASyncingMember_EvenWhenItIsTheOnlyOneListedHealthy()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        var fragments = new List<(FragmentStored Stored, byte[] Data)>();
        for (var i = 0; i < 6; i++)
        {
            var data = Payload.Create((ulong)(200 + i), 5_000);
            fragments.Add((await cluster.UploadAsync(data, Token), data));
        }

        // Member 0 is the only one listed healthy, so it would be asked first; it is stopped, so asking it would fail.
        for (var g = 0; g < ImageCluster.Groups; g++)
        {
            await cluster.KillAsync(g, 0);
            cluster.SetSyncing(g, 0, syncing: true);
            cluster.SetHealthy(g, 1, healthy: false);
            cluster.SetHealthy(g, 2, healthy: false);
        }

        foreach (var (stored, data) in fragments)
        {
            Assert.Equal(data, await cluster.DownloadAsync(stored.Fid, Token));
        }

        Assert.Equal(fragments.Count, cluster.Metrics.UpstreamReads);
        Assert.Equal(0, cluster.Metrics.FailedReads);
    }

    [Fact]
    public async Task Download_WhenOnlyASyncingMemberIsLeft_Answers502_RatherThanReadingFromIt()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        var data = Payload.Create(6, 30_000);
        var stored = await cluster.UploadAsync(data, Token);
        var group = (int)stored.Group - 1;
        Assert.Equal(data, await cluster.ReadFromMemberAsync(group, 0, stored.Fid, Token));
        await cluster.KillAsync(group, 1);
        await cluster.KillAsync(group, 2);
        cluster.SetSyncing(group, 0, syncing: true);

        using var response = await cluster.Client.GetAsync($"/v1/fragments/{stored.Fid}", Token);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Equal(2, cluster.Metrics.UpstreamReads);
        Assert.Equal(2, cluster.Metrics.FailedReads);
    }

    [Fact]
    public async Task Download_WithTheCallersCrc_ServesTheBytes_AndWithAnotherCrc_Answers502()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        var data = Payload.Create(4, 10_000);
        var stored = await cluster.UploadAsync(data, Token);

        Assert.Equal(data, await cluster.DownloadAsync($"{stored.Fid}?crc={stored.Crc}", Token));
        using var wrong = await cluster.Client.GetAsync($"/v1/fragments/{stored.Fid}?crc={stored.Crc ^ 1}", Token);

        Assert.Equal(HttpStatusCode.BadGateway, wrong.StatusCode);
        Assert.Equal(1 + ImageCluster.Members, cluster.Metrics.UpstreamReads);
    }

    [Fact]
    public async Task Download_OfAnUnknownNeedle_Answers404_AndOfABadFid_Answers400()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        var unknown = new FileId(new GroupId(1), new VolumeId(1), new NeedleId(0xdead), new Speedy.Volume.Cookie(0x12345678));

        using var missing = await cluster.Client.GetAsync($"/v1/fragments/{unknown}", Token);
        using var bad = await cluster.Client.GetAsync("/v1/fragments/not-a-fid", Token);

        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }

    [Fact]
    public async Task TwoHundredConcurrentDownloads_OfOneFragment_CostOneUpstreamRead()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        var data = Payload.Create(5, 1 << 20);
        var stored = await cluster.UploadAsync(data, Token);

        var downloads = new Task<byte[]>[200];
        for (var i = 0; i < downloads.Length; i++)
        {
            downloads[i] = Task.Run(() => cluster.DownloadAsync(stored.Fid, Token), Token);
        }

        foreach (var bytes in await Task.WhenAll(downloads))
        {
            Assert.Equal(data, bytes);
        }

        Assert.Equal(1, cluster.Metrics.UpstreamReads);
    }
}
