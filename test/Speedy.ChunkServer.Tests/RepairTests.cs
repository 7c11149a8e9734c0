using System.Net;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Volume;
using Cookie = Speedy.Volume.Cookie;

namespace Speedy.ChunkServer.Tests;

/// <summary>
/// A needle that rots on one member of a group of three (real processes and a real master) is found, by a read or by
/// the scrubber, reported in <c>GET /health</c> and the log, and rewritten from another member.
/// </summary>
[Collection(GroupCluster.Collection)]
public sealed class RepairTests
{
    /// <summary>The first record of a volume starts after the 64-byte superblock; its data after the 32-byte header.</summary>
    private const long FirstNeedleData = RecordLayout.SuperblockSize + RecordLayout.HeaderSize;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Read_OfANeedleRottenOnOneMember_Answers500_AndThatMemberRepairsItFromAPeer()
    {
        await using var cluster = await GroupCluster.StartAsync(3, Token);
        var needles = await WriteAsync(cluster, new VolumeId(1), count: 3);
        var (rotten, data) = needles[0];
        cluster.FlipByte(0, rotten.Volume, FirstNeedleData + 1234);
        var member = cluster.UrlOf(0);

        Assert.Equal(HttpStatusCode.InternalServerError, await StatusOfGetAsync(cluster, member, rotten));
        var health = await cluster.WaitForHealthAsync(member, h => h.RepairedNeedles + h.FailedRepairs > 0, Token);

        Assert.Equal((1, 1, 0), (health.CorruptNeedles, health.RepairedNeedles, health.FailedRepairs));
        foreach (var (fileId, bytes) in needles)
        {
            Assert.Equal(bytes, await ReadAsync(cluster, member, fileId));
        }

        Assert.Equal(data, await ReadAsync(cluster, member, rotten));
        Assert.Contains($"needle {rotten} is corrupt", cluster.Member(0).Output, StringComparison.Ordinal);
        Assert.Contains($"needle {rotten} repaired with the copy from http://127.0.0.1:", cluster.Member(0).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scrub_FindsANeedleRottenInASealedVolume_AndRepairsItFromAPeer_WithoutAnyRead()
    {
        await using var cluster = await GroupCluster.StartAsync(3, Token, new Dictionary<string, string> { ["SPEEDY_SCRUBINTERVAL"] = "00:00:00.3" });
        var needles = await WriteAsync(cluster, new VolumeId(1), count: 3);
        var member = cluster.UrlOf(1);
        using (var seal = await cluster.Http.PostAsync($"{member}/volumes/1/seal", null, Token))
        {
            await ChunkApi.ExpectAsync(seal, HttpStatusCode.OK, Token);
        }

        // The second needle: its data begins after the first record.
        var (rotten, data) = needles[1];
        cluster.FlipByte(1, rotten.Volume, RecordLayout.SuperblockSize + RecordLayout.RecordSize(needles[0].Data.Length) + RecordLayout.HeaderSize + 99);

        var health = await cluster.WaitForHealthAsync(member, h => h.RepairedNeedles + h.FailedRepairs > 0, Token);

        Assert.Equal((1, 1, 0), (health.CorruptNeedles, health.RepairedNeedles, health.FailedRepairs));
        Assert.Equal(data, await ReadAsync(cluster, member, rotten));
        Assert.Contains($"needle {rotten} is corrupt (data fails its CRC-32C or padding)", cluster.Member(1).Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RottenStoredCrc_IsRepairedToo_WhenTheDataIsIntact()
    {
        await using var cluster = await GroupCluster.StartAsync(3, Token);
        var needles = await WriteAsync(cluster, new VolumeId(1), count: 1);
        var (rotten, data) = needles[0];
        var member = cluster.UrlOf(2);
        cluster.FlipByte(2, rotten.Volume, FirstNeedleData + data.Length + 1);

        Assert.Equal(HttpStatusCode.InternalServerError, await StatusOfGetAsync(cluster, member, rotten));
        var health = await cluster.WaitForHealthAsync(member, h => h.RepairedNeedles + h.FailedRepairs > 0, Token);

        Assert.Equal((1, 1, 0), (health.CorruptNeedles, health.RepairedNeedles, health.FailedRepairs));
        Assert.Equal(data, await ReadAsync(cluster, member, rotten));
    }

    [Fact]
    public async Task NeedleRottenOnEveryMember_IsAFailedRepair_NeverServed_AndTheRepairsDoNotSetOffEachOther()
    {
        await using var cluster = await GroupCluster.StartAsync(2, Token);
        var (rotten, _) = (await WriteAsync(cluster, new VolumeId(1), count: 1))[0];
        cluster.FlipByte(0, rotten.Volume, FirstNeedleData + 10);
        cluster.FlipByte(1, rotten.Volume, FirstNeedleData + 20);

        Assert.Equal(HttpStatusCode.InternalServerError, await StatusOfGetAsync(cluster, cluster.UrlOf(0), rotten));
        var first = await cluster.WaitForHealthAsync(cluster.UrlOf(0), h => h.RepairedNeedles + h.FailedRepairs > 0, Token);
        // Member 0's repair read member 1's rotten copy: member 1 answered 500 without starting a repair of its own.
        var untouched = await ChunkApi.HealthAsync(cluster.ClientFor(cluster.UrlOf(1)), Token);
        Assert.Equal(HttpStatusCode.InternalServerError, await StatusOfGetAsync(cluster, cluster.UrlOf(1), rotten));
        var second = await cluster.WaitForHealthAsync(cluster.UrlOf(1), h => h.RepairedNeedles + h.FailedRepairs > 0, Token);
        var firstAgain = await ChunkApi.HealthAsync(cluster.ClientFor(cluster.UrlOf(0)), Token);

        Assert.Equal((1, 0, 1), (first.CorruptNeedles, first.RepairedNeedles, first.FailedRepairs));
        Assert.Equal((0, 0, 0), (untouched.CorruptNeedles, untouched.RepairedNeedles, untouched.FailedRepairs));
        Assert.Equal((1, 0, 1), (second.CorruptNeedles, second.RepairedNeedles, second.FailedRepairs));
        Assert.Equal((1, 0, 1), (firstAgain.CorruptNeedles, firstAgain.RepairedNeedles, firstAgain.FailedRepairs));
        Assert.Equal(HttpStatusCode.InternalServerError, await StatusOfGetAsync(cluster, cluster.UrlOf(0), rotten));
        Assert.Contains($"needle {rotten} could not be repaired: {cluster.UrlOf(1)} answered 500", cluster.Member(0).Output, StringComparison.Ordinal);
    }

    /// <summary>Writes <paramref name="count"/> needles into one volume of every member; their file ids and bytes, in file order.</summary>
    private static async Task<List<(FileId FileId, byte[] Data)>> WriteAsync(GroupCluster cluster, VolumeId volume, int count)
    {
        var needles = new List<(FileId, byte[])>();
        for (var i = 0; i < count; i++)
        {
            var fileId = new FileId(new GroupId(GroupCluster.Group), volume, new NeedleId(0x5000 + (ulong)i), new Cookie(0x10203040 + (uint)i));
            var data = Payload.Create((ulong)(40 + i), 20_000 + (i * 777));
            await cluster.PutAsync(fileId, data, Token);
            needles.Add((fileId, data));
        }

        return needles;
    }

    private static async Task<HttpStatusCode> StatusOfGetAsync(GroupCluster cluster, string member, FileId fileId)
    {
        using var response = await cluster.Http.GetAsync($"{member}/needles/{fileId}", Token);
        return response.StatusCode;
    }

    private static async Task<byte[]> ReadAsync(GroupCluster cluster, string member, FileId fileId)
    {
        using var response = await cluster.Http.GetAsync($"{member}/needles/{fileId}", Token);
        await ChunkApi.ExpectAsync(response, HttpStatusCode.OK, Token);
        return await response.Content.ReadAsByteArrayAsync(Token);
    }
}
