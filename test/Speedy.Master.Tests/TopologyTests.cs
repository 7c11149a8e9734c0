using System.Net;
using System.Net.Http.Json;
using Speedy.Master.Tests.Harness;

namespace Speedy.Master.Tests;

/// <summary>Heartbeats in, topology out: members, groups, writable volumes, generations, conflicts and forgetting.</summary>
public sealed class TopologyTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoMembersReporting_MakeAWritableGroup_WithTheVolumesBothHaveOpen()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(index: 7), Token);
        await master.SendAsync(Heartbeats.For(1, "http://a:7001", volumes: [Heartbeats.Volume(1, 1), Heartbeats.Volume(1, 2), Heartbeats.Volume(1, 3, isSealed: true)]), Token);
        await master.SendAsync(Heartbeats.For(1, "http://b:7001/", volumes: [Heartbeats.Volume(1, 1), Heartbeats.Volume(1, 2, isSealed: true), Heartbeats.Volume(1, 3)]), Token);

        var topology = await master.TopologyAsync(Token);

        Assert.Equal(7, topology.Master.Index);
        Assert.False(topology.WarmingUp);
        Assert.True(topology.Generation > 0);
        var group = Assert.Single(topology.Groups);
        Assert.Equal(1u, group.Id);
        Assert.True(group.Writable, group.Reason);
        Assert.Null(group.Reason);
        Assert.Equal([1u], group.Volumes);
        Assert.Equal(3u, group.HighestVolume);
        Assert.Equal(["http://a:7001", "http://b:7001"], group.Members.Select(m => m.Url));
        Assert.All(group.Members, m => Assert.True(m.Healthy));
        Assert.All(group.Members, m => Assert.Equal(3, m.Volumes.Count));
    }

    [Fact]
    public async Task Topology_AsJson_UsesCamelCaseAndOmitsTheReasonOfAWritableGroup()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        await master.SendAsync(Heartbeats.For(4, "http://a:7001"), Token);
        await master.SendAsync(Heartbeats.For(5, "http://b:7001", freeBytes: 10), Token);

        var json = await master.Client.GetStringAsync("/v1/topology", Token);

        Assert.Contains("\"groups\":[{\"id\":4,\"writable\":true,", json, StringComparison.Ordinal);
        Assert.Contains("\"lastSeenSecondsAgo\":", json, StringComparison.Ordinal);
        Assert.Contains("\"generation\":", json, StringComparison.Ordinal);
        Assert.Contains("\"instance\":", json, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(json, "\"reason\":"));
    }

    [Fact]
    public async Task AfterAStart_EveryGroupIsReadOnly_UntilOneHeartbeatTimeoutHasPassed()
    {
        var clock = new ManualTimeProvider();
        await using var master = await TestMaster.StartAsync(TestMaster.OptionsFor(), clock, Token);
        await master.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);

        var early = await master.TopologyAsync(Token);
        clock.Advance(TimeSpan.FromSeconds(9));
        await master.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);
        clock.Advance(TimeSpan.FromSeconds(1.5));
        var later = await master.TopologyAsync(Token);

        Assert.True(early.WarmingUp);
        Assert.False(early.Groups[0].Writable);
        Assert.Contains("started", early.Groups[0].Reason, StringComparison.Ordinal);
        Assert.False(later.WarmingUp);
        Assert.True(later.Groups[0].Writable, later.Groups[0].Reason);
    }

    [Fact]
    public async Task MemberChangingGroup_IsRefusedWith409_AndKeepsItsGroup()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        await master.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);

        using var response = await master.HeartbeatAsync(Heartbeats.For(2, "http://a:7001"), Token);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync(MasterJsonContext.Default.MasterError, Token);
        Assert.Contains("group 1", error!.Error, StringComparison.Ordinal);
        var group = Assert.Single((await master.TopologyAsync(Token)).Groups);
        Assert.Equal(1u, group.Id);
    }

    [Theory]
    [InlineData("{")]
    [InlineData("{\"group\":0,\"url\":\"http://a:7001\",\"volumes\":[]}")]
    [InlineData("{\"group\":1,\"url\":\"not a url\",\"volumes\":[]}")]
    [InlineData("{\"group\":1,\"url\":\"ftp://a:21\",\"volumes\":[]}")]
    [InlineData("{\"group\":1,\"volumes\":[]}")]
    [InlineData("{\"group\":1,\"url\":\"http://a:7001\"}")]
    public async Task MalformedHeartbeat_IsRefusedWith400_AndAJsonError(string body)
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);

        using var content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await master.Client.PostAsync("/v1/heartbeat", content, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync(MasterJsonContext.Default.MasterError, Token);
        Assert.False(string.IsNullOrEmpty(error?.Error));
        Assert.Empty((await master.TopologyAsync(Token)).Groups);
    }

    [Fact]
    public async Task GroupSilentLongerThanForgetAfter_IsForgotten_WhileAnotherGroupStays()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        await master.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);
        await master.SendAsync(Heartbeats.For(2, "http://b:7001"), Token);

        master.Clock.Advance(master.Options.ForgetAfter - TimeSpan.FromSeconds(1));
        await master.SendAsync(Heartbeats.For(2, "http://b:7001"), Token);
        var before = await master.TopologyAsync(Token);
        master.Clock.Advance(TimeSpan.FromSeconds(2));
        var after = await master.TopologyAsync(Token);

        Assert.Equal([1u, 2u], before.Groups.Select(g => g.Id));
        Assert.False(before.Find(1)!.Writable);
        Assert.Equal([2u], after.Groups.Select(g => g.Id));
        Assert.True(after.Generation > before.Generation);
    }

    [Fact]
    public async Task ForgottenMember_MayComeBackInAnotherGroup()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        await master.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);
        master.Clock.Advance(master.Options.ForgetAfter + TimeSpan.FromSeconds(1));

        await master.SendAsync(Heartbeats.For(2, "http://a:7001"), Token);

        Assert.Equal([2u], (await master.TopologyAsync(Token)).Groups.Select(g => g.Id));
    }

    [Fact]
    public async Task Generation_StaysWhileNothingChanges_AndGrowsWhenAMemberJoins()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        await master.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);
        var first = await master.TopologyAsync(Token);
        master.Clock.Advance(TimeSpan.FromSeconds(1));
        await master.SendAsync(Heartbeats.For(1, "http://a:7001", freeBytes: Heartbeats.Plenty - 1000), Token);
        var second = await master.TopologyAsync(Token);
        await master.SendAsync(Heartbeats.For(1, "http://b:7001"), Token);
        var third = await master.TopologyAsync(Token);

        Assert.Equal(first.Generation, second.Generation);
        Assert.Equal(first.Master.Instance, third.Master.Instance);
        Assert.True(third.Generation > second.Generation);
    }

    [Fact]
    public async Task Health_SaysOk_WithTheCountsOfGroupsAndMembers()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(index: 3), Token);
        await master.SendAsync(Heartbeats.For(1, "http://a:7001"), Token);
        await master.SendAsync(Heartbeats.For(1, "http://b:7001"), Token);
        await master.SendAsync(Heartbeats.For(2, "http://c:7001"), Token);

        var health = await master.Client.GetFromJsonAsync("/health", MasterJsonContext.Default.MasterHealth, Token);

        Assert.Equal("ok", health!.Status);
        Assert.Equal(3, health.Master.Index);
        Assert.Equal(2, health.Groups);
        Assert.Equal(3, health.Members);
    }
}
