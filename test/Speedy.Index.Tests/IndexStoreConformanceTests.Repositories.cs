using Speedy.Index.Store;

namespace Speedy.Index.Tests;

public abstract partial class IndexStoreConformanceTests
{
    [Fact]
    public async Task CreateRepository_StoresIt_AndTwiceConflicts()
    {
        var repository = await Store.CreateRepositoryAsync("team/app", isPublic: true, "# App", Token);

        Assert.Equal(repository, await Store.GetRepositoryAsync("team/app", Token));
        Assert.Equal("team", repository.Namespace);
        Assert.True(repository.IsPublic);
        Assert.Equal("# App", repository.Description);
        Assert.Null(repository.LastPush);
        await Assert.ThrowsAsync<IndexConflictException>(() => Store.CreateRepositoryAsync("team/app", false, "", Token));
        Assert.Null(await Store.GetRepositoryAsync("team/other", Token));
    }

    [Fact]
    public async Task RecordPush_CreatesAPrivateRepository_AndOnlyMovesTheLastPushForward()
    {
        var first = Clock.UtcNow;

        var created = await Store.RecordPushAsync("team/tools/app", first, Token);
        Assert.False(created.IsPublic);
        Assert.Equal("team", created.Namespace);
        Assert.Equal(first, created.LastPush);
        Assert.Equal(first, created.Created);

        var later = await Store.RecordPushAsync("team/tools/app", first.AddMinutes(5), Token);
        var late = await Store.RecordPushAsync("team/tools/app", first.AddMinutes(1), Token);
        Assert.Equal(created.Id, later.Id);
        Assert.Equal(first.AddMinutes(5), late.LastPush);
    }

    [Fact]
    public async Task RecordPulls_AddsCountsAndKeepsTheLatestPull_SkippingUnknownRepositories()
    {
        await Store.RecordPushAsync("team/app", Clock.UtcNow, Token);
        var t = Clock.UtcNow.AddMinutes(1);

        await Store.RecordPullsAsync([new PullCount("team/app", 3, t), new PullCount("team/unknown", 2, t)], Token);
        await Store.RecordPullsAsync([new PullCount("team/app", 2, t.AddMinutes(-1))], Token);

        var repository = await Store.GetRepositoryAsync("team/app", Token);
        Assert.Equal(5, repository!.PullCount);
        Assert.Equal(t, repository.LastPull);
        Assert.Null(await Store.GetRepositoryAsync("team/unknown", Token));
    }

    [Fact]
    public async Task RepositorySettings_AreStored_AndDeleteRemovesTheRepositoryAndItsStars()
    {
        var alice = await UserAsync("alice");
        await Store.RecordPushAsync("alice/app", Clock.UtcNow, Token);

        Assert.True(await Store.SetRepositoryVisibilityAsync("alice/app", true, Token));
        Assert.True(await Store.SetRepositoryDescriptionAsync("alice/app", "hello", Token));
        Assert.False(await Store.SetRepositoryDescriptionAsync("alice/none", "hello", Token));
        Assert.True(await Store.StarAsync(alice.Id, "alice/app", Token));
        var repository = await Store.GetRepositoryAsync("alice/app", Token);
        Assert.True(repository!.IsPublic);
        Assert.Equal("hello", repository.Description);

        Assert.True(await Store.DeleteRepositoryAsync("alice/app", Token));
        Assert.False(await Store.DeleteRepositoryAsync("alice/app", Token));
        Assert.False(await Store.IsStarredAsync(alice.Id, "alice/app", Token));
        await Store.RecordPushAsync("alice/app", Clock.UtcNow, Token);
        Assert.Equal(0, (await Store.GetRepositoryAsync("alice/app", Token))!.StarCount);
    }

    [Fact]
    public async Task Stars_AreCountedOncePerAccount()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        await Store.CreateRepositoryAsync("alice/app", true, "", Token);

        Assert.True(await Store.StarAsync(alice.Id, "alice/app", Token));
        Assert.False(await Store.StarAsync(alice.Id, "alice/app", Token));
        Assert.True(await Store.StarAsync(bob.Id, "alice/app", Token));
        Assert.False(await Store.StarAsync(bob.Id, "alice/none", Token));
        Assert.Equal(2, (await Store.GetRepositoryAsync("alice/app", Token))!.StarCount);
        Assert.True(await Store.IsStarredAsync(bob.Id, "alice/app", Token));

        Assert.True(await Store.UnstarAsync(bob.Id, "alice/app", Token));
        Assert.False(await Store.UnstarAsync(bob.Id, "alice/app", Token));
        Assert.False(await Store.IsStarredAsync(bob.Id, "alice/app", Token));
        Assert.Equal(1, (await Store.GetRepositoryAsync("alice/app", Token))!.StarCount);
    }

    [Fact]
    public async Task SearchRepositories_ShowsPrivateRepositoriesOnlyToMembersAndAdministrators()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        await Store.CreateRepositoryAsync("alice/public", true, "", Token);
        await Store.CreateRepositoryAsync("alice/private", false, "", Token);
        await Store.CreateRepositoryAsync("bob/private", false, "", Token);

        async Task<string[]> Visible(RepositoryQuery query) =>
            [.. (await Store.SearchRepositoriesAsync(query, Token)).Items.Select(repository => repository.Name)];

        Assert.Equal(["alice/public"], await Visible(new RepositoryQuery()));
        Assert.Equal(["alice/private", "alice/public"], await Visible(new RepositoryQuery { ViewerId = alice.Id }));
        Assert.Equal(["alice/public", "bob/private"], await Visible(new RepositoryQuery { ViewerId = bob.Id }));
        Assert.Equal(["alice/private", "alice/public", "bob/private"], await Visible(new RepositoryQuery { ViewerIsAdmin = true }));
        Assert.Equal(["alice/private", "alice/public"], await Visible(new RepositoryQuery { ViewerIsAdmin = true, Namespace = "alice" }));
    }

    [Fact]
    public async Task SearchRepositories_MatchesEveryWordInTheNameOrTheDescription_CaseInsensitively()
    {
        await Store.CreateRepositoryAsync("team/web-server", true, "An HTTP server", Token);
        await Store.CreateRepositoryAsync("team/db", true, "A Database with 100% uptime", Token);
        await Store.CreateRepositoryAsync("team/cache", true, "in-memory_cache", Token);

        async Task<string[]> Find(string search) =>
            [.. (await Store.SearchRepositoriesAsync(new RepositoryQuery { Search = search }, Token)).Items.Select(repository => repository.Name)];

        Assert.Equal(["team/web-server"], await Find("SERVER"));
        Assert.Equal(["team/db"], await Find("database"));
        Assert.Equal(["team/db"], await Find("100%"));
        Assert.Equal(["team/cache"], await Find("y_c"));
        Assert.Empty(await Find("y_d"));
        Assert.Equal(["team/web-server"], await Find("http  web"));
        Assert.Empty(await Find("http db"));
        Assert.Equal(3, (await Find("   ")).Length);
    }

    [Fact]
    public async Task SearchRepositories_SortsByStarsPullsOrLastPush_AndPages()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var t = Clock.UtcNow;
        await Store.RecordPushAsync("team/a", t.AddMinutes(2), Token);
        await Store.RecordPushAsync("team/b", t.AddMinutes(3), Token);
        await Store.RecordPushAsync("team/c", t.AddMinutes(1), Token);
        await Store.CreateRepositoryAsync("team/d", false, "", Token);
        foreach (var name in new[] { "team/a", "team/b", "team/c", "team/d" })
        {
            await Store.SetRepositoryVisibilityAsync(name, true, Token);
        }

        await Store.StarAsync(alice.Id, "team/c", Token);
        await Store.StarAsync(bob.Id, "team/c", Token);
        await Store.StarAsync(bob.Id, "team/a", Token);
        await Store.RecordPullsAsync([new PullCount("team/b", 10, t), new PullCount("team/d", 20, t)], Token);

        async Task<string[]> Sorted(RepositorySort sort, int offset = 0, int limit = 10) =>
            [.. (await Store.SearchRepositoriesAsync(new RepositoryQuery { Sort = sort, Offset = offset, Limit = limit }, Token)).Items.Select(repository => repository.Name)];

        Assert.Equal(["team/c", "team/a", "team/b", "team/d"], await Sorted(RepositorySort.Stars));
        Assert.Equal(["team/d", "team/b", "team/a", "team/c"], await Sorted(RepositorySort.Pulls));
        Assert.Equal(["team/b", "team/a", "team/c", "team/d"], await Sorted(RepositorySort.LastPush));
        Assert.Equal(["team/b", "team/c"], await Sorted(RepositorySort.Name, offset: 1, limit: 2));
        var page = await Store.SearchRepositoriesAsync(new RepositoryQuery { Limit = 1 }, Token);
        Assert.Equal(4, page.Total);
        var starred = await Store.SearchRepositoriesAsync(new RepositoryQuery { StarredBy = bob.Id }, Token);
        Assert.Equal(["team/a", "team/c"], starred.Items.Select(repository => repository.Name));
    }

    [Fact]
    public async Task Audit_IsListedNewestFirst_FilteredAndPagedById()
    {
        await Store.AppendAuditAsync(new AuditRecord("alice", AuditActions.LoginSucceeded, "alice", RemoteAddress: "10.0.0.1"), Token);
        Clock.Advance(TimeSpan.FromSeconds(1));
        await Store.AppendAuditAsync(new AuditRecord("alice", AuditActions.Push, "alice/app", "sha256:abc"), Token);
        var given = Clock.UtcNow.AddHours(-1);
        await Store.AppendAuditAsync(new AuditRecord("bob", AuditActions.LoginFailed, "bob", "bad password", "10.0.0.2", given), Token);

        var all = await Store.ListAuditAsync(new AuditQuery(), Token);
        Assert.Equal(["bob", "alice", "alice"], all.Select(entry => entry.Actor));
        Assert.Equal(given, all[0].Time);
        Assert.Equal("10.0.0.2", all[0].RemoteAddress);
        Assert.Equal("bad password", all[0].Detail);
        var alice = await Store.ListAuditAsync(new AuditQuery { Actor = "alice", Limit = 1 }, Token);
        Assert.Equal(AuditActions.Push, Assert.Single(alice).Action);
        var older = await Store.ListAuditAsync(new AuditQuery { Actor = "alice", BeforeId = alice[0].Id }, Token);
        Assert.Equal(AuditActions.LoginSucceeded, Assert.Single(older).Action);
        Assert.Single(await Store.ListAuditAsync(new AuditQuery { Target = "alice/app" }, Token));
        Assert.Single(await Store.ListAuditAsync(new AuditQuery { Action = AuditActions.LoginFailed }, Token));
    }
}
