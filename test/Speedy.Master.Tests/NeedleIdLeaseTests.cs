using System.Net;
using System.Net.Http.Json;
using Speedy.Master.Tests.Harness;

namespace Speedy.Master.Tests;

/// <summary>Needle-id leases never overlap: concurrently, across a restart, across masters, above high-water marks.</summary>
public sealed class NeedleIdLeaseTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ManyConcurrentLeases_NeverOverlap_AndCarryTheMastersIndex()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(index: 5), Token);
        var counts = Enumerable.Range(0, 400).Select(i => i % 4 == 0 ? NeedleIdLeaser.MaxLease : 1 + (i * 7919 % 5000)).ToArray();

        var ranges = await Task.WhenAll(counts.Select(count => master.LeaseRangeAsync(count, Token)));

        Assert.Equal(counts.Select(c => (ulong)c).Order(), ranges.Select(r => r.Count).Order());
        AssertDisjoint(ranges);
        Assert.All(ranges, r => Assert.Equal(5, NeedleIdLeaser.IndexOf(r.Start)));
        Assert.All(ranges, r => Assert.Equal(5, NeedleIdLeaser.IndexOf(r.End - 1)));
        Assert.All(ranges, r => Assert.Equal(NeedleIdLeaser.SlotOf(r.Start), NeedleIdLeaser.SlotOf(r.End - 1)));
    }

    [Fact]
    public async Task LeasesAfterARestart_WithTheClockMovedOnByAMillisecond_NeverOverlapTheOldOnes()
    {
        var options = TestMaster.OptionsFor(index: 9);
        var clock = new ManualTimeProvider();
        var before = new List<NeedleIdRange>();
        await using (var first = await TestMaster.StartAsync(options, clock, Token))
        {
            // The first run leases whole slots until its cursor is as far ahead of its (stopped) clock as it may go.
            clock.Advance(TimeSpan.FromSeconds(1));
            while (true)
            {
                using var response = await first.LeaseAsync(NeedleIdLeaser.MaxLease, Token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                    break;
                }

                before.Add(await response.Content.ReadFromJsonAsync(MasterJsonContext.Default.NeedleIdRange, Token));
            }
        }

        clock.Advance(TimeSpan.FromMilliseconds(1));
        await using var second = await TestMaster.StartAsync(options, clock, Token);
        var immediately = await second.LeaseRangeAsync(100, Token);
        clock.Advance(TimeSpan.FromSeconds(1));
        var after = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => second.LeaseRangeAsync(i % 2 == 0 ? NeedleIdLeaser.MaxLease : 100, Token)));

        Assert.True(before.Count > 1000, $"the first run leased only {before.Count} slots");
        AssertDisjoint([.. before, immediately, .. after]);
        Assert.True(immediately.Start >= before.Max(r => r.End));
    }

    [Fact]
    public async Task TwoMastersWithDifferentIndexes_OnTheSameClock_NeverHandOutTheSameIds()
    {
        var clock = new ManualTimeProvider();
        await using var one = await TestMaster.StartAsync(TestMaster.OptionsFor(index: 0), clock, Token);
        await using var two = await TestMaster.StartAsync(TestMaster.OptionsFor(index: 1), clock, Token);
        clock.Advance(TimeSpan.FromSeconds(1));

        var ranges = await Task.WhenAll(Enumerable.Range(0, 300).Select(i => (i % 2 == 0 ? one : two).LeaseRangeAsync(1 + (i * 131 % NeedleIdLeaser.MaxLease), Token)));

        AssertDisjoint(ranges);
        Assert.Equal(150, ranges.Count(r => NeedleIdLeaser.IndexOf(r.Start) == 1));
    }

    [Fact]
    public async Task Lease_NeverStartsBelowAReportedHighWaterMark()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(index: 2), Token);
        var current = await master.LeaseRangeAsync(10, Token);
        var high = current.End + (300UL << 22) + 12345;
        await master.SendAsync(Heartbeats.For(1, "http://a:7001", highWaterMark: high), Token);

        var next = await master.LeaseRangeAsync(NeedleIdLeaser.MaxLease, Token);

        Assert.True(next.Start >= high, $"lease {next} starts below the high-water mark {high}");
        Assert.Equal(2, NeedleIdLeaser.IndexOf(next.Start));
    }

    [Fact]
    public async Task HighWaterMarkTooFarAhead_OfTheClock_Answers503WithRetryAfter_UntilTheClockCatchesUp()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        var now = (ulong)master.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var high = (now + 5000) << 22;
        await master.SendAsync(Heartbeats.For(1, "http://a:7001", highWaterMark: high), Token);

        using var refused = await master.LeaseAsync(1, Token);
        master.Clock.Advance(TimeSpan.FromSeconds(4));
        var granted = await master.LeaseRangeAsync(1, Token);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(4), refused.Headers.RetryAfter?.Delta);
        Assert.True(granted.Start >= high);
    }

    [Fact]
    public async Task ClockGoingBackWithinARun_NeverRepeatsIds()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        var before = await master.LeaseRangeAsync(NeedleIdLeaser.MaxLease, Token);

        master.Clock.Advance(TimeSpan.FromMilliseconds(-500));
        var after = await master.LeaseRangeAsync(NeedleIdLeaser.MaxLease, Token);

        Assert.True(after.Start >= before.End);
    }

    [Theory]
    [InlineData("")]
    [InlineData("?count=0")]
    [InlineData("?count=-1")]
    [InlineData("?count=65537")]
    [InlineData("?count=abc")]
    public async Task LeaseWithABadCount_IsRefusedWith400(string query)
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);

        using var response = await master.Client.PostAsync($"/v1/leases/needle-ids{query}", content: null, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static void AssertDisjoint(IEnumerable<NeedleIdRange> ranges)
    {
        var sorted = ranges.OrderBy(r => r.Start).ToList();
        for (var i = 1; i < sorted.Count; i++)
        {
            Assert.False(sorted[i - 1].Overlaps(sorted[i]), $"{sorted[i - 1]} overlaps {sorted[i]}");
        }
    }
}
