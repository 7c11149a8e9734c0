using Speedy.Master.Tests.Harness;

namespace Speedy.Master.Tests;

/// <summary>When a group stops taking new fragments, says why, and takes them again.</summary>
public sealed class HealthRuleTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MemberMissingAfterTheTimeout_MakesItsGroupReadOnly_AndItsReturnMakesItWritableAgain()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        await master.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);
        await master.SendAsync(Heartbeats.For(1, "http://b:7001"), Token);
        var healthy = await master.TopologyAsync(Token);

        master.Clock.Advance(TimeSpan.FromSeconds(6));
        await master.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);
        master.Clock.Advance(TimeSpan.FromSeconds(5));
        var missing = await master.TopologyAsync(Token);
        await master.SendAsync(Heartbeats.For(1, "http://b:7001"), Token);
        var back = await master.TopologyAsync(Token);

        Assert.True(healthy.Groups[0].Writable, healthy.Groups[0].Reason);
        var group = missing.Groups[0];
        Assert.False(group.Writable);
        Assert.Contains("http://b:7001 has not reported for 11 s", group.Reason, StringComparison.Ordinal);
        Assert.True(group.Members.Single(m => m.Url == "http://a:7001").Healthy);
        var b = group.Members.Single(m => m.Url == "http://b:7001");
        Assert.False(b.Healthy);
        Assert.Equal(11, b.LastSeenSecondsAgo, 3);
        Assert.True(back.Groups[0].Writable, back.Groups[0].Reason);
        Assert.True(missing.Generation > healthy.Generation);
        Assert.True(back.Generation > missing.Generation);
    }

    [Fact]
    public async Task MemberExactlyAtTheTimeout_IsStillHealthy()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        await master.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);

        master.Clock.Advance(master.Options.HeartbeatTimeout);

        Assert.True((await master.TopologyAsync(Token)).Groups[0].Writable);
    }

    [Fact]
    public async Task FullMember_MakesItsGroupReadOnly_OtherGroupsStayWritable()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        await master.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);
        await master.SendAsync(Heartbeats.For(1, "http://b:7001", freeBytes: (1L << 30) - 1), Token);
        await master.SendAsync(Heartbeats.For(2, "http://c:7001"), Token);

        var topology = await master.TopologyAsync(Token);

        Assert.False(topology.Find(1)!.Writable);
        Assert.Contains("http://b:7001 is full", topology.Find(1)!.Reason, StringComparison.Ordinal);
        Assert.True(topology.Find(2)!.Writable);
    }

    [Fact]
    public async Task NoCommonOpenVolume_ButRoomForANewOne_KeepsTheGroupWritable_WithNoVolumes()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        await master.SendAsync(Heartbeats.For(1, "http://a:7001", volumes: [Heartbeats.Volume(1, 1), Heartbeats.Volume(1, 2, isSealed: true)]), Token);
        await master.SendAsync(Heartbeats.For(1, "http://b:7001", volumes: [Heartbeats.Volume(1, 1, isSealed: true), Heartbeats.Volume(1, 2)]), Token);

        var group = (await master.TopologyAsync(Token)).Groups[0];

        Assert.True(group.Writable, group.Reason);
        Assert.Empty(group.Volumes);
        Assert.Equal(2u, group.HighestVolume);
    }

    [Fact]
    public async Task NoCommonOpenVolume_AndNoRoomForANewOne_MakesTheGroupReadOnly()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        var tight = (1L << 30) + (512L << 20);
        await master.SendAsync(Heartbeats.For(1, "http://a:7001", volumes: [Heartbeats.Volume(1, 1, isSealed: true)]), Token);
        await master.SendAsync(Heartbeats.For(1, "http://b:7001", freeBytes: tight, volumes: [Heartbeats.Volume(1, 1, isSealed: true)]), Token);

        var group = (await master.TopologyAsync(Token)).Groups[0];

        Assert.False(group.Writable);
        Assert.Contains("http://b:7001 has no room for a new one", group.Reason, StringComparison.Ordinal);
    }
}
