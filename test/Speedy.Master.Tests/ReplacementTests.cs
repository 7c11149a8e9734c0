using System.Net;
using System.Net.Http.Json;
using Speedy.Master.Tests.Harness;

namespace Speedy.Master.Tests;

/// <summary>
/// A dead member leaves its group: a syncing replacement keeps the group read-only and is not readable; once it stops
/// syncing, the member it replaces is forgotten (and refused if it reports again); an operator can remove a dead member.
/// </summary>
public sealed class ReplacementTests
{
    private const string A = "http://a:7001";
    private const string B = "http://b:7001";
    private const string Dead = "http://c:7001";
    private const string New = "http://d:7001";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HeartbeatAnswer_ListsTheSendersGroup_WithHealthAndSyncing_AndNoOtherGroup()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        await master.SendAsync(Heartbeats.For(1, B), Token);
        await master.SendAsync(Heartbeats.For(2, "http://other:7001"), Token);
        await master.SendAsync(Heartbeats.For(1, Dead), Token);
        master.Clock.Advance(TimeSpan.FromSeconds(11));
        await master.SendAsync(Heartbeats.For(1, B), Token);

        var answer = await master.SendAsync(Heartbeats.For(1, New, volumes: []) with { Syncing = true, Replaces = Dead }, Token);

        Assert.Equal(
            [new ChunkServer.GroupMemberStatus(B, true, false), new ChunkServer.GroupMemberStatus(Dead, false, false), new ChunkServer.GroupMemberStatus(New, true, true)],
            answer.Members);
    }

    [Fact]
    public async Task SyncingReplacement_KeepsTheGroupReadOnly_IsMarkedSyncing_AndTheDeadMemberStaysListed()
    {
        await using var master = await StartGroupWithADeadMemberAsync();

        await master.SendAsync(Heartbeats.For(1, New, volumes: []) with { Syncing = true, Replaces = Dead }, Token);
        var group = Assert.Single((await master.TopologyAsync(Token)).Groups);

        Assert.False(group.Writable);
        Assert.Equal([A, B, Dead, New], group.Members.Select(m => m.Url));
        var replacement = group.Members.Single(m => m.Url == New);
        Assert.True(replacement.Healthy);
        Assert.True(replacement.Syncing);
        Assert.All(group.Members.Where(m => m.Url != New), m => Assert.False(m.Syncing));
    }

    [Fact]
    public async Task SyncingMember_AloneMakesItsGroupReadOnly_SayingWhy()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        await master.SendAsync(Heartbeats.For(1, A), Token);
        await master.SendAsync(Heartbeats.For(1, B), Token);
        var before = await master.TopologyAsync(Token);

        await master.SendAsync(Heartbeats.For(1, New, volumes: []) with { Syncing = true, Replaces = New }, Token);
        var syncing = await master.TopologyAsync(Token);
        await master.SendAsync(Heartbeats.For(1, New) with { Replaces = New }, Token);
        var ready = await master.TopologyAsync(Token);

        Assert.True(before.Groups[0].Writable, before.Groups[0].Reason);
        Assert.False(syncing.Groups[0].Writable);
        Assert.Contains($"member {New} is syncing", syncing.Groups[0].Reason, StringComparison.Ordinal);
        Assert.True(syncing.Generation > before.Generation);
        Assert.True(ready.Groups[0].Writable, ready.Groups[0].Reason);
        Assert.Equal([A, B, New], ready.Groups[0].Members.Select(m => m.Url));
    }

    [Fact]
    public async Task ReplacementDoneSyncing_MakesTheMasterForgetTheDeadMember_AndTheGroupIsWritableAgain()
    {
        await using var master = await StartGroupWithADeadMemberAsync();
        await master.SendAsync(Heartbeats.For(1, New, volumes: []) with { Syncing = true, Replaces = Dead }, Token);

        await master.SendAsync(Heartbeats.For(1, New) with { Replaces = Dead + "/" }, Token);
        var group = Assert.Single((await master.TopologyAsync(Token)).Groups);

        Assert.True(group.Writable, group.Reason);
        Assert.Equal([A, B, New], group.Members.Select(m => m.Url));
        Assert.All(group.Members, m => Assert.True(m.Healthy && !m.Syncing));
    }

    [Fact]
    public async Task ReplacedMember_ReportingAgain_IsRefusedWith409_NamingItsReplacement()
    {
        await using var master = await StartGroupWithADeadMemberAsync();
        await master.SendAsync(Heartbeats.For(1, New) with { Replaces = Dead }, Token);

        using var response = await master.HeartbeatAsync(Heartbeats.For(1, Dead), Token);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync(MasterJsonContext.Default.MasterError, Token);
        Assert.Contains($"replaced by {New}", error!.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Dead, (await master.TopologyAsync(Token)).Groups[0].Members.Select(m => m.Url));
    }

    [Fact]
    public async Task Replacement_NamingAMemberOfAnotherGroup_LeavesThatMemberAlone()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        await master.SendAsync(Heartbeats.For(2, "http://other:7001"), Token);

        await master.SendAsync(Heartbeats.For(1, New) with { Replaces = "http://other:7001" }, Token);
        await master.SendAsync(Heartbeats.For(2, "http://other:7001"), Token);

        var topology = await master.TopologyAsync(Token);
        Assert.Equal(["http://other:7001"], topology.Find(2)!.Members.Select(m => m.Url));
    }

    [Fact]
    public async Task Heartbeat_ReplacingSomethingThatIsNotAUrl_IsRefusedWith400()
    {
        await using var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);

        using var response = await master.HeartbeatAsync(Heartbeats.For(1, New) with { Replaces = "c:7001" }, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty((await master.TopologyAsync(Token)).Groups);
    }

    [Fact]
    public async Task RemovingADeadMember_Answers204_AndItsGroupIsWritableAgain()
    {
        await using var master = await StartGroupWithADeadMemberAsync();
        Assert.False((await master.TopologyAsync(Token)).Groups[0].Writable);

        using var response = await master.RemoveMemberAsync(1, Dead, Token);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var group = Assert.Single((await master.TopologyAsync(Token)).Groups);
        Assert.True(group.Writable, group.Reason);
        Assert.Equal([A, B], group.Members.Select(m => m.Url));
    }

    [Fact]
    public async Task RemovingAMemberThatStillReports_Answers409_AndKeepsIt()
    {
        await using var master = await StartGroupWithADeadMemberAsync();

        using var response = await master.RemoveMemberAsync(1, A, Token);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var error = await response.Content.ReadFromJsonAsync(MasterJsonContext.Default.MasterError, Token);
        Assert.Contains("still reports", error!.Error, StringComparison.Ordinal);
        Assert.Contains(A, (await master.TopologyAsync(Token)).Groups[0].Members.Select(m => m.Url));
    }

    [Theory]
    [InlineData(2u, Dead)]
    [InlineData(1u, "http://nobody:7001")]
    public async Task RemovingAMemberTheGroupDoesNotHave_Answers404(uint group, string url)
    {
        await using var master = await StartGroupWithADeadMemberAsync();

        using var response = await master.RemoveMemberAsync(group, url, Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(3, (await master.TopologyAsync(Token)).Groups[0].Members.Count);
    }

    [Fact]
    public async Task RemovingWithoutAUrl_Answers400()
    {
        await using var master = await StartGroupWithADeadMemberAsync();

        using var response = await master.Client.DeleteAsync("/v1/groups/1/members", Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    /// <summary>Group 1 of A, B and Dead, where Dead stopped reporting more than a heartbeat timeout ago.</summary>
    private static async Task<TestMaster> StartGroupWithADeadMemberAsync()
    {
        var master = await TestMaster.StartWarmAsync(TestMaster.OptionsFor(), Token);
        await master.SendAsync(Heartbeats.For(1, Dead), Token);
        master.Clock.Advance(master.Options.HeartbeatTimeout + TimeSpan.FromSeconds(1));
        await master.SendAsync(Heartbeats.For(1, A), Token);
        await master.SendAsync(Heartbeats.For(1, B), Token);
        return master;
    }
}
