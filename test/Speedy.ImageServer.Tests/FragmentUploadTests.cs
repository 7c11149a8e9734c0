using System.Net;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.ImageServer.Tests.Harness;
using Speedy.IO;
using Speedy.Volume;

namespace Speedy.ImageServer.Tests;

/// <summary><c>PUT /v1/fragments</c>: a fragment lands on every member of one writable group, or the upload tries another group.</summary>
public sealed class FragmentUploadTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Upload_StoresIdenticalBytesUnderTheFid_OnEveryMemberOfTheChosenGroup()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        var data = Payload.Create(1, (1 << 20) + 333);

        var stored = await cluster.UploadAsync(data, Token, "?index=4&offset=4194304");

        var fileId = FileId.Parse(stored.Fid);
        Assert.Equal(stored.Group, fileId.Group.Value);
        Assert.Equal(new FragmentStored(stored.Fid, data.Length, Crc32C.Compute(data), stored.Group, 4, 4 << 20), stored);
        for (var m = 0; m < ImageCluster.Members; m++)
        {
            Assert.Equal(data, await cluster.ReadFromMemberAsync((int)stored.Group - 1, m, stored.Fid, Token));
        }
    }

    [Fact]
    public async Task Upload_WithoutIndexAndOffset_EchoesNone_AndTakesNeedleIdsFromOneLease()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);

        var first = await cluster.UploadAsync(Payload.Create(2, 100), Token);
        var second = await cluster.UploadAsync(Payload.Create(3, 100), Token);

        Assert.Null(first.Index);
        Assert.Null(first.Offset);
        Assert.NotEqual(FileId.Parse(first.Fid).Needle, FileId.Parse(second.Fid).Needle);
        Assert.Equal(1, cluster.Topology.Leases);
    }

    [Fact]
    public async Task Upload_ToAVolumeThatFilledUp_GoesToANewVolumeOfTheSameGroup_ThoughTheTopologyStillOffersTheFullOne()
    {
        // The topology never changes: every group offers no writable volume and volume 0 as its highest, so every
        // upload starts at volume 1 of some group; the 16 MiB volumes hold five 3 MiB fragments each.
        await using var cluster = await ImageCluster.StartAsync(Token);
        var volumes = new HashSet<(uint Group, uint Volume)>();

        for (var i = 0; i < 20; i++)
        {
            var data = Payload.Create((ulong)(100 + i), 3 << 20);
            var stored = await cluster.UploadAsync(data, Token);
            var fileId = FileId.Parse(stored.Fid);
            volumes.Add((fileId.Group.Value, fileId.Volume.Value));
            Assert.Equal(data, await cluster.DownloadAsync(stored.Fid, Token));
        }

        Assert.True(volumes.Count >= 4, string.Join(", ", volumes));
        Assert.True(cluster.Metrics.FailedUploadAttempts <= volumes.Count, $"{cluster.Metrics.FailedUploadAttempts} failed attempts over {volumes.Count} volumes");
    }

    [Fact]
    public async Task Upload_SkipsAGroupWithAMemberMarkedUnhealthy()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        await cluster.KillAsync(0, 1);
        cluster.SetHealthy(0, 1, healthy: false);

        for (var i = 0; i < 10; i++)
        {
            var stored = await cluster.UploadAsync(Payload.Create((ulong)(10 + i), 5000), Token);
            Assert.Equal(2u, stored.Group);
        }

        Assert.Equal(0, cluster.Metrics.FailedUploadAttempts);
    }

    [Fact]
    public async Task Upload_ToAGroupWithADeadMemberStillListedHealthy_FailsThere_AndRetriesOnTheOtherGroup()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        // Group 1 looks all but certain to be chosen first: ten million times the free space of group 2.
        cluster.SetFreeBytes(0, 1L << 50);
        cluster.SetFreeBytes(1, 64L << 20);
        await cluster.KillAsync(0, 2);

        for (var i = 0; i < 5; i++)
        {
            var data = Payload.Create((ulong)(20 + i), 70_000);
            var stored = await cluster.UploadAsync(data, Token);
            Assert.Equal(2u, stored.Group);
            for (var m = 0; m < ImageCluster.Members; m++)
            {
                Assert.Equal(data, await cluster.ReadFromMemberAsync(1, m, stored.Fid, Token));
            }
        }

        Assert.Equal(5, cluster.Metrics.FailedUploadAttempts);
        Assert.Contains(cluster.Logs.Entries, e => e.Message.Contains("to group 1 failed", StringComparison.Ordinal) && e.Message.Contains("replication failed at", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Upload_WhenEveryGroupFails_Answers503_NamingEachGroup()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        await cluster.KillAsync(0, 0);
        await cluster.KillAsync(1, 2);

        using var content = new ByteArrayContent(Payload.Create(30, 1000));
        using var response = await cluster.Client.PutAsync("/v1/fragments", content, Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var body = await response.Content.ReadAsStringAsync(Token);
        Assert.Contains("group 1:", body, StringComparison.Ordinal);
        Assert.Contains("group 2:", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upload_WithNoHealthyGroup_Answers503()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);
        cluster.SetHealthy(0, 0, healthy: false);
        cluster.SetHealthy(1, 0, healthy: false);

        using var content = new ByteArrayContent(Payload.Create(31, 1000));
        using var response = await cluster.Client.PutAsync("/v1/fragments", content, Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
    }

    [Fact]
    public async Task Upload_LargerThanTheFragmentLimit_Answers413()
    {
        await using var cluster = await ImageCluster.StartAsync(Token, new ImageServerOptions { Listen = "127.0.0.1:0", MaxFragmentBytes = 1000 });

        using var content = new ByteArrayContent(Payload.Create(32, 1001));
        using var response = await cluster.Client.PutAsync("/v1/fragments", content, Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task Upload_WithANegativeIndex_Answers400()
    {
        await using var cluster = await ImageCluster.StartAsync(Token);

        using var content = new ByteArrayContent(Payload.Create(33, 10));
        using var response = await cluster.Client.PutAsync("/v1/fragments?index=-1", content, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }
}
