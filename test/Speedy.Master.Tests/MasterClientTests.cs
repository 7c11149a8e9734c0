using Speedy.Master.Tests.Harness;
using Speedy.Testing;

namespace Speedy.Master.Tests;

/// <summary>An image server's client: several masters, failover, and a cached topology while they are all away.</summary>
public sealed class MasterClientTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Client_FallsOverToTheSecondMaster_ForTopologyAndLeases_WhenTheFirstStops()
    {
        await using var one = await StartKestrelAsync(index: 1);
        await using var two = await StartKestrelAsync(index: 2);
        await one.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);
        await two.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);
        using var http = new HttpClient();
        using var client = new MasterClient(http, [one.Url, two.Url]);

        var fromOne = await client.RefreshTopologyAsync(Token);
        var leaseOne = await client.AcquireNeedleIdsAsync(1000, Token);
        await one.StopAsync();
        var fromTwo = await client.RefreshTopologyAsync(Token);
        var leaseTwo = await client.AcquireNeedleIdsAsync(1000, Token);

        Assert.Equal(1, fromOne.Topology.Master.Index);
        Assert.Equal(2, fromTwo.Topology.Master.Index);
        Assert.Equal(two.Url, fromTwo.Master);
        Assert.False(fromTwo.Stale);
        Assert.Equal(1u, Assert.Single(fromTwo.Topology.Groups).Id);
        Assert.Equal(1, NeedleIdLeaser.IndexOf(leaseOne.Start));
        Assert.Equal(2, NeedleIdLeaser.IndexOf(leaseTwo.Start));
        Assert.Equal(1000UL, leaseTwo.Count);
    }

    [Fact]
    public async Task Client_ServesTheLastTopology_MarkedStaleWithItsAge_WhileEveryMasterIsDown()
    {
        await using var one = await StartKestrelAsync(index: 1);
        await using var two = await StartKestrelAsync(index: 2);
        await one.SendAsync(Heartbeats.For(3, "http://a:7001"), Token);
        using var http = new HttpClient();
        var clock = new ManualTimeProvider();
        using var client = new MasterClient(http, [one.Url, two.Url], new MasterClientOptions { RefreshInterval = TimeSpan.FromSeconds(2) }, clock);
        var fresh = await client.GetTopologyAsync(Token);

        await one.StopAsync();
        await two.StopAsync();
        clock.Advance(TimeSpan.FromSeconds(30));
        var stale = await client.GetTopologyAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(1));
        var cached = await client.GetTopologyAsync(Token);

        Assert.False(fresh.Stale);
        Assert.True(stale.Stale);
        Assert.Equal(TimeSpan.FromSeconds(30), stale.Age);
        Assert.Equal(TimeSpan.FromSeconds(31), cached.Age);
        Assert.Equal(fresh.Topology, stale.Topology);
        Assert.Equal(3u, Assert.Single(stale.Topology.Groups).Id);
        await Assert.ThrowsAsync<MasterUnavailableException>(() => client.AcquireNeedleIdsAsync(10, Token));
    }

    [Fact]
    public async Task Client_WithinTheRefreshInterval_ServesTheCachedTopology_WithoutAskingAgain()
    {
        await using var master = await StartKestrelAsync(index: 0);
        using var http = new HttpClient();
        var clock = new ManualTimeProvider();
        using var client = new MasterClient(http, [master.Url], new MasterClientOptions { RefreshInterval = TimeSpan.FromSeconds(2) }, clock);
        var first = await client.GetTopologyAsync(Token);

        await master.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);
        clock.Advance(TimeSpan.FromSeconds(1));
        var cached = await client.GetTopologyAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(1));
        var refreshed = await client.GetTopologyAsync(Token);

        Assert.Empty(first.Topology.Groups);
        Assert.Empty(cached.Topology.Groups);
        Assert.Equal(TimeSpan.FromSeconds(1), cached.Age);
        Assert.Single(refreshed.Topology.Groups);
    }

    [Fact]
    public async Task Client_PrefersAMasterPastItsWarmUp_OverOneThatJustStarted()
    {
        await using var starting = await TestMaster.StartAsync(Kestrel(0), new ManualTimeProvider(), Token, kestrel: true);
        await using var warm = await StartKestrelAsync(index: 1);
        using var http = new HttpClient();
        using var client = new MasterClient(http, [starting.Url, warm.Url]);

        var snapshot = await client.RefreshTopologyAsync(Token);

        Assert.Equal(warm.Url, snapshot.Master);
        Assert.False(snapshot.Topology.WarmingUp);
    }

    [Fact]
    public async Task Client_WithNoMasterEverAnswering_Throws()
    {
        using var http = new HttpClient();
        using var client = new MasterClient(http, [new Uri($"http://127.0.0.1:{FreePort.Next()}")], new MasterClientOptions { AttemptTimeout = TimeSpan.FromSeconds(1) });

        await Assert.ThrowsAsync<MasterUnavailableException>(() => client.GetTopologyAsync(Token));
        await Assert.ThrowsAsync<MasterUnavailableException>(() => client.AcquireNeedleIdsAsync(1, Token));
        Assert.Null(client.Cached);
    }

    private static MasterOptions Kestrel(int index)
    {
        var options = TestMaster.OptionsFor(index);
        options.Listen = "127.0.0.1:0";
        return options;
    }

    private static async Task<TestMaster> StartKestrelAsync(int index)
    {
        var clock = new ManualTimeProvider();
        var master = await TestMaster.StartAsync(Kestrel(index), clock, Token, kestrel: true);
        clock.Advance(TimeSpan.FromSeconds(11));
        return master;
    }
}
