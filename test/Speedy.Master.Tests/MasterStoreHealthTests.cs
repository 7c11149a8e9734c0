using System.Diagnostics;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Cli;
using Speedy.Index.Web.Health;
using Speedy.Master.Tests.Harness;
using Speedy.Testing;

namespace Speedy.Master.Tests;

/// <summary>
/// The admin health page's source in <c>speedy server</c> and <c>speedy index --master</c>: real chunk servers
/// heartbeating to real masters on Kestrel, read through <see cref="MasterStoreHealth"/>.
/// </summary>
public sealed class MasterStoreHealthTests : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(20);
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Report_ListsEveryGroupAndChunkServer_WithTheirSpace_AndAGroupTurnsReadOnlyWhenAMemberStops()
    {
        await using var master = await StartMasterAsync(index: 0);
        await using var a = await StartChunkServerAsync(group: 1, "http://chunk-1a.test:7001", [master]);
        var b = await StartChunkServerAsync(group: 1, "http://chunk-1b.test:7001", [master]);
        await using var c = await StartChunkServerAsync(group: 2, "http://chunk-2a.test:7001", [master]);
        using var health = new MasterStoreHealth([master.Url], new MasterClientOptions { RefreshInterval = TimeSpan.Zero });
        try
        {
            master.Clock.Advance(master.Options.HeartbeatTimeout + TimeSpan.FromSeconds(1));
            var ready = await WaitForAsync(health, report => report.ServerCount == 3 && report.HealthyServerCount == 3 && report.Groups.All(g => g.Writable));

            Assert.Equal(master.Url.ToString(), ready.Source);
            Assert.False(ready.Stale);
            Assert.Equal([1u, 2u], ready.Groups.Select(g => g.Id));
            Assert.All(ready.Groups, g => Assert.Null(g.Reason));
            Assert.Equal(["http://chunk-1a.test:7001", "http://chunk-1b.test:7001"], ready.Groups[0].Servers.Select(s => s.Url));
            Assert.Equal("http://chunk-2a.test:7001", Assert.Single(ready.Groups[1].Servers).Url);
            var disk = new DriveInfo(_directory.Path).AvailableFreeSpace;
            foreach (var server in ready.Groups.SelectMany(g => g.Servers))
            {
                Assert.True(server.Healthy);
                Assert.False(server.Syncing);
                Assert.Equal(a.Options.WritableVolumes, server.Volumes);
                Assert.True(server.UsedBytes > 0, $"{server.Url} holds {server.UsedBytes} bytes");
                // The free space of the disk under the volumes, as the server measured it a moment ago.
                Assert.InRange(server.FreeBytes, disk - (1L << 30), disk + (1L << 30));
                Assert.InRange(server.LastSeen, TimeSpan.Zero, TimeSpan.FromSeconds(5));
            }

            Assert.Equal(ready.Groups.SelectMany(g => g.Servers).Sum(s => s.FreeBytes), ready.FreeBytes);

            await b.DisposeAsync();
            master.Clock.Advance(master.Options.HeartbeatTimeout + TimeSpan.FromSeconds(1));
            var degraded = await WaitForAsync(
                health, report => !report.Groups[0].Writable && report.Groups[0].Servers[0].Healthy && report.Groups[1].Writable && report.HealthyServerCount == 2);

            var group = degraded.Groups[0];
            Assert.Contains("http://chunk-1b.test:7001", group.Reason, StringComparison.Ordinal);
            Assert.Contains("has not reported", group.Reason, StringComparison.Ordinal);
            var silent = group.Servers[1];
            Assert.Equal("http://chunk-1b.test:7001", silent.Url);
            Assert.False(silent.Healthy);
            Assert.True(silent.LastSeen > master.Options.HeartbeatTimeout, $"last seen {silent.LastSeen} ago");
            Assert.Equal(3, degraded.ServerCount);
            Assert.Null(degraded.Groups[1].Reason);
        }
        finally
        {
            await b.DisposeAsync();
        }
    }

    [Fact]
    public async Task Report_FallsOverToTheNextMaster_ThenIsTheLastOneMarkedStale_WhenNoMasterAnswers()
    {
        var one = await StartMasterAsync(index: 1);
        var two = await StartMasterAsync(index: 2);
        try
        {
            await using var server = await StartChunkServerAsync(group: 3, "http://chunk-3a.test:7001", [one, two]);
            one.Clock.Advance(one.Options.HeartbeatTimeout + TimeSpan.FromSeconds(1));
            two.Clock.Advance(two.Options.HeartbeatTimeout + TimeSpan.FromSeconds(1));
            await WaitUntilWritableAsync(two);
            var clock = new ManualTimeProvider(DateTimeOffset.UtcNow);
            using var health = new MasterStoreHealth([one.Url, two.Url], new MasterClientOptions { RefreshInterval = TimeSpan.FromSeconds(2) }, clock);
            var fresh = await WaitForAsync(health, report => report.Groups is [{ Writable: true }], clock);

            // Within the refresh interval the page is served from the cache, without asking a master.
            clock.Advance(TimeSpan.FromSeconds(1));
            var cached = await health.GetAsync(Token);
            await one.StopAsync();
            clock.Advance(TimeSpan.FromSeconds(2));
            var failedOver = await health.GetAsync(Token);
            await two.StopAsync();
            clock.Advance(TimeSpan.FromSeconds(2));
            var stale = await health.GetAsync(Token);

            Assert.Equal(one.Url.ToString(), fresh.Source);
            Assert.False(fresh.Stale);
            Assert.Equal(fresh.ObservedAt, cached.ObservedAt);
            Assert.Equal(fresh.Groups[0].Servers[0].LastSeen + TimeSpan.FromSeconds(1), cached.Groups[0].Servers[0].LastSeen);
            Assert.Equal(two.Url.ToString(), failedOver.Source);
            Assert.False(failedOver.Stale);
            Assert.Equal(clock.GetUtcNow() - TimeSpan.FromSeconds(2), failedOver.ObservedAt);
            Assert.True(stale.Stale);
            Assert.Equal(failedOver.ObservedAt, stale.ObservedAt);
            Assert.Equal(two.Url.ToString(), stale.Source);
            var group = Assert.Single(stale.Groups);
            Assert.Equal(3u, group.Id);
            Assert.True(group.Writable);
            var member = Assert.Single(group.Servers);
            Assert.Equal("http://chunk-3a.test:7001", member.Url);
            Assert.Equal(failedOver.Groups[0].Servers[0].LastSeen + TimeSpan.FromSeconds(2), member.LastSeen);
        }
        finally
        {
            await one.DisposeAsync();
            await two.DisposeAsync();
        }
    }

    [Fact]
    public async Task Report_WithNoMasterEverAnswering_ThrowsWhatThePageShows()
    {
        using var health = new MasterStoreHealth(
            [new Uri($"http://127.0.0.1:{FreePort.Next()}/")], new MasterClientOptions { AttemptTimeout = TimeSpan.FromSeconds(1) });

        var failure = await Assert.ThrowsAsync<HttpRequestException>(() => health.GetAsync(Token));

        Assert.Contains("no master answered", failure.Message, StringComparison.Ordinal);
        Assert.IsType<MasterUnavailableException>(failure.InnerException);
    }

    private static async Task<TestMaster> StartMasterAsync(int index) =>
        await TestMaster.StartAsync(TestMaster.OptionsFor(index), new ManualTimeProvider(), Token, kestrel: true);

    private async Task<TestChunkServer> StartChunkServerAsync(uint group, string publicUrl, TestMaster[] masters)
    {
        var options = TestChunkServer.OptionsFor(_directory.CreateSubdirectory(new Uri(publicUrl).Host));
        options.Group = group;
        options.PublicUrl = publicUrl;
        options.Masters = [.. masters.Select(master => master.Url.ToString())];
        return await TestChunkServer.StartAsync(options, Token);
    }

    /// <summary>Waits until <paramref name="master"/> itself has every group writable: it heard every member since its clock moved.</summary>
    private static async Task WaitUntilWritableAsync(TestMaster master)
    {
        var stopwatch = Stopwatch.StartNew();
        while (await master.TopologyAsync(Token) is not { Groups: [_, ..] groups } || !groups.All(g => g.Writable))
        {
            Assert.True(stopwatch.Elapsed < s_wait, "the master never had every group writable");
            await Task.Delay(50, Token);
        }
    }

    /// <summary>
    /// Asks until the report satisfies <paramref name="condition"/> (heartbeats come every 100 ms), moving
    /// <paramref name="clock"/>, the cache's, past the refresh interval between two asks.
    /// </summary>
    private static async Task<StoreHealthReport> WaitForAsync(MasterStoreHealth health, Func<StoreHealthReport, bool> condition, ManualTimeProvider? clock = null)
    {
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var report = await health.GetAsync(Token);
            if (condition(report))
            {
                return report;
            }

            Assert.True(stopwatch.Elapsed < s_wait, $"the report never got there; the last: {Describe(report)}");
            await Task.Delay(50, Token);
            clock?.Advance(TimeSpan.FromSeconds(3));
        }
    }

    private static string Describe(StoreHealthReport report) =>
        string.Join("; ", report.Groups.Select(g =>
            $"group {g.Id} {(g.Writable ? "writable" : $"read-only ({g.Reason})")}: {string.Join(", ", g.Servers.Select(s => $"{s.Url} {(s.Healthy ? "healthy" : "silent")}"))}"));
}
