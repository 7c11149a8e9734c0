using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ChunkServer.Tests;

/// <summary>A needle whose bytes rot on disk: never served, whole or in part; the error is logged; the scrubber finds it.</summary>
public sealed class CorruptionTests : IDisposable
{
    /// <summary>The first record of a volume starts after the 64-byte superblock; its data after the 32-byte header.</summary>
    private const long FirstNeedleData = 64 + 32;

    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Get_OfARottenNeedle_Returns500_AndNeverServesItsBytes_AlsoForARange()
    {
        await using var server = await StartAsync(TimeSpan.Zero);
        var rotten = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 10_000), Token);
        var healthy = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(2, 10_000), Token);
        Assert.Equal(rotten.Volume, healthy.Volume);

        FlipByte(rotten.Volume, FirstNeedleData + 5000);

        using var whole = await server.Client.GetAsync($"/needles/{rotten}", Token);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/needles/{rotten}");
        request.Headers.Range = new RangeHeaderValue(0, 99);
        using var range = await server.Client.SendAsync(request, Token);

        foreach (var response in (HttpResponseMessage[])[whole, range])
        {
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            Assert.Contains("CRC", await ChunkApi.ErrorAsync(response, Token), StringComparison.OrdinalIgnoreCase);
        }

        Assert.Equal(Payload.Create(2, 10_000), await ChunkApi.GetAsync(server.Client, healthy, Token));
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Error && e.Exception is VolumeCorruptionException);
    }

    [Fact]
    public async Task RottenNeedle_OnAServerWithoutPeers_IsReportedInHealth_AsAFailedRepair_AndTriedAgainWhenFoundAgain()
    {
        await using var server = await StartAsync(TimeSpan.Zero);
        var rotten = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 10_000), Token);
        FlipByte(rotten.Volume, FirstNeedleData + 5000);

        Assert.Equal(HttpStatusCode.InternalServerError, await ChunkApi.StatusOfGetAsync(server.Client, rotten.ToString(), Token));
        var first = await WaitForFailedRepairsAsync(server, 1);
        Assert.Equal(HttpStatusCode.InternalServerError, await ChunkApi.StatusOfGetAsync(server.Client, rotten.ToString(), Token));
        var second = await WaitForFailedRepairsAsync(server, 2);

        Assert.Equal((1, 0, 1), (first.CorruptNeedles, first.RepairedNeedles, first.FailedRepairs));
        Assert.Equal((2, 0, 2), (second.CorruptNeedles, second.RepairedNeedles, second.FailedRepairs));
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Warning && e.Message.StartsWith($"needle {rotten} is corrupt", StringComparison.Ordinal));
        Assert.Contains(server.Logs.Entries, e => e.Level == LogLevel.Error && e.Message == $"needle {rotten} could not be repaired: no other member of the group takes reads");
    }

    [Fact]
    public async Task Scrubber_FindsTheRottenNeedle_InASealedVolume()
    {
        await using var server = await StartAsync(TimeSpan.FromMilliseconds(200));
        var rotten = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 10_000), Token);
        await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(2, 10_000), Token);
        FlipByte(rotten.Volume, FirstNeedleData + 5000);

        await ChunkApi.SealAsync(server.Client, rotten.Volume, Token);

        var expected = $"scrubbed volume {rotten.Volume}: 1 finding(s)";
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!server.Logs.Entries.Any(e => e.Message == expected) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Token);
        }

        Assert.Contains(server.Logs.Entries, e => e.Message == expected);
        Assert.DoesNotContain(server.Logs.Entries, e => e.Message.StartsWith("scrubbed volume", StringComparison.Ordinal) && e.Message != expected);
    }

    private static async Task<HealthStatus> WaitForFailedRepairsAsync(TestChunkServer server, long count)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var health = await ChunkApi.HealthAsync(server.Client, Token);
        while (health.FailedRepairs < count && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, Token);
            health = await ChunkApi.HealthAsync(server.Client, Token);
        }

        return health;
    }

    private Task<TestChunkServer> StartAsync(TimeSpan scrubInterval)
    {
        var options = TestChunkServer.OptionsFor(_directory.Path);
        options.WritableVolumes = 1;
        options.ScrubInterval = scrubInterval;
        return TestChunkServer.StartAsync(options, Token);
    }

    /// <summary>Rots one byte of a volume's data file behind the server's back (reads go through the page cache, so it sees it).</summary>
    private void FlipByte(VolumeId volume, long offset)
    {
        using var file = new FileStream(Path.Combine(_directory.Path, $"{volume}.dat"), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x40));
    }
}
