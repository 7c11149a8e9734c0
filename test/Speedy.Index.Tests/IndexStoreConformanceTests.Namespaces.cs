using Speedy.Index.Store;

namespace Speedy.Index.Tests;

public abstract partial class IndexStoreConformanceTests
{
    [Fact]
    public async Task CreateOrganization_MakesItsCreatorOwner()
    {
        var alice = await UserAsync("alice");

        var team = await Store.CreateOrganizationAsync("team", alice.Id, "the team", Token);

        Assert.NotNull(team);
        Assert.Equal(team, await Store.GetNamespaceAsync("team", Token));
        Assert.Equal(NamespaceKind.Organization, team.Kind);
        Assert.Equal("the team", team.Description);
        Assert.Equal(NamespaceRole.Owner, await Store.GetRoleAsync("team", alice.Id, Token));
        Assert.Null(await Store.CreateOrganizationAsync("other", 999, "", Token));
        await Assert.ThrowsAsync<IndexConflictException>(() => Store.CreateOrganizationAsync("alice", alice.Id, "", Token));
        Assert.True(await Store.SetNamespaceDescriptionAsync("team", "new", Token));
        Assert.Equal("new", (await Store.GetNamespaceAsync("team", Token))!.Description);
    }

    [Fact]
    public async Task Members_AreAddedChangedListedAndRemoved()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var carol = await UserAsync("carol");
        await Store.CreateOrganizationAsync("team", alice.Id, "", Token);

        Assert.True(await Store.SetMemberAsync("team", bob.Id, NamespaceRole.Reader, Token));
        Assert.True(await Store.SetMemberAsync("team", carol.Id, NamespaceRole.Maintainer, Token));
        Assert.True(await Store.SetMemberAsync("team", bob.Id, NamespaceRole.Maintainer, Token));
        Assert.False(await Store.SetMemberAsync("missing", bob.Id, NamespaceRole.Reader, Token));
        Assert.False(await Store.SetMemberAsync("team", 999, NamespaceRole.Reader, Token));

        Assert.Equal(
            [new NamespaceMember(alice.Id, "alice", NamespaceRole.Owner), new NamespaceMember(bob.Id, "bob", NamespaceRole.Maintainer), new NamespaceMember(carol.Id, "carol", NamespaceRole.Maintainer)],
            await Store.ListMembersAsync("team", Token));
        Assert.True(await Store.RemoveMemberAsync("team", carol.Id, Token));
        Assert.False(await Store.RemoveMemberAsync("team", carol.Id, Token));
        Assert.Null(await Store.GetRoleAsync("team", carol.Id, Token));
        Assert.Empty(await Store.ListMembersAsync("missing", Token));
    }

    [Fact]
    public async Task TheLastOwner_CannotBeRemovedOrDemoted_UnlessAnotherOwnerExists()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        await Store.CreateOrganizationAsync("team", alice.Id, "", Token);

        await Assert.ThrowsAsync<IndexConflictException>(() => Store.RemoveMemberAsync("team", alice.Id, Token));
        await Assert.ThrowsAsync<IndexConflictException>(() => Store.SetMemberAsync("team", alice.Id, NamespaceRole.Reader, Token));
        Assert.Equal(NamespaceRole.Owner, await Store.GetRoleAsync("team", alice.Id, Token));

        await Store.SetMemberAsync("team", bob.Id, NamespaceRole.Owner, Token);
        Assert.True(await Store.SetMemberAsync("team", alice.Id, NamespaceRole.Reader, Token));
        Assert.True(await Store.RemoveMemberAsync("team", alice.Id, Token));
    }

    [Fact]
    public async Task ListNamespaces_FiltersByMemberKindAndName()
    {
        var alice = await UserAsync("alice");
        await UserAsync("bob");
        await Store.CreateOrganizationAsync("team", alice.Id, "", Token);
        await Store.CreateOrganizationAsync("tools", alice.Id, "", Token);

        var all = await Store.ListNamespacesAsync(new NamespaceQuery(), Token);
        Assert.Equal(["alice", "bob", "team", "tools"], all.Items.Select(ns => ns.Name));
        var mine = await Store.ListNamespacesAsync(new NamespaceQuery { MemberId = alice.Id }, Token);
        Assert.Equal(["alice", "team", "tools"], mine.Items.Select(ns => ns.Name));
        var orgs = await Store.ListNamespacesAsync(new NamespaceQuery { Kind = NamespaceKind.Organization, Search = "OO", Limit = 1 }, Token);
        Assert.Equal(1, orgs.Total);
        Assert.Equal("tools", Assert.Single(orgs.Items).Name);
    }
}
