using Speedy.Index.Store;

namespace Speedy.Index.Tests;

public abstract partial class IndexStoreConformanceTests
{
    [Fact]
    public async Task AccessTokens_AreFoundByTheirHash_ListedNewestFirst_AndRevokedOnlyByTheirOwner()
    {
        var alice = await UserAsync("alice");
        var bob = await UserAsync("bob");
        var expires = Clock.UtcNow.AddDays(7);
        var first = await Store.CreateAccessTokenAsync(alice.Id, "laptop", "h1", ["pull"], null, Token);
        var second = await Store.CreateAccessTokenAsync(alice.Id, "ci", "h2", ["pull", "push"], expires, Token);

        var found = await Store.FindAccessTokenAsync("h2", Token);
        Assert.NotNull(found);
        Assert.Equal((second.Id, alice.Id, "ci", Clock.UtcNow, expires), (found.Id, found.AccountId, found.Name, found.Created, found.ExpiresAt));
        Assert.Equal(["pull", "push"], found.Scopes);
        Assert.Null(await Store.FindAccessTokenAsync("nope", Token));
        Assert.Equal([second.Id, first.Id], (await Store.ListAccessTokensAsync(alice.Id, Token)).Select(token => token.Id));
        Assert.Empty(await Store.ListAccessTokensAsync(bob.Id, Token));

        Assert.False(await Store.RevokeAccessTokenAsync(bob.Id, first.Id, Token));
        Assert.True(await Store.RevokeAccessTokenAsync(alice.Id, first.Id, Token));
        Assert.False(await Store.RevokeAccessTokenAsync(alice.Id, first.Id, Token));
        var revoked = await Store.FindAccessTokenAsync("h1", Token);
        Assert.Equal(Clock.UtcNow, revoked!.RevokedAt);
        Assert.False(revoked.IsActiveAt(Clock.UtcNow));
        Assert.True(found.IsActiveAt(Clock.UtcNow));
        Assert.False(found.IsActiveAt(expires));
    }

    [Fact]
    public async Task AccessTokens_WithTheSameSecretHash_Conflict()
    {
        var alice = await UserAsync("alice");
        await Store.CreateAccessTokenAsync(alice.Id, "a", "same", ["pull"], null, Token);
        await Assert.ThrowsAsync<IndexConflictException>(() => Store.CreateAccessTokenAsync(alice.Id, "b", "same", ["pull"], null, Token));
    }

    [Fact]
    public async Task MarkAccessTokenUsed_WritesAtMostOnceAMinute()
    {
        var alice = await UserAsync("alice");
        var token = await Store.CreateAccessTokenAsync(alice.Id, "a", "h", ["pull"], null, Token);
        var start = Clock.UtcNow;

        await Store.MarkAccessTokenUsedAsync(token.Id, Token);
        Clock.Advance(TimeSpan.FromSeconds(30));
        await Store.MarkAccessTokenUsedAsync(token.Id, Token);
        Assert.Equal(start, (await Store.FindAccessTokenAsync("h", Token))!.LastUsed);

        Clock.Advance(TimeSpan.FromSeconds(31));
        await Store.MarkAccessTokenUsedAsync(token.Id, Token);
        Assert.Equal(Clock.UtcNow, (await Store.FindAccessTokenAsync("h", Token))!.LastUsed);
    }

    [Fact]
    public async Task RefreshTokens_AreFoundByTheirHash_AndRevokedOneOrAll()
    {
        var alice = await UserAsync("alice");
        var expires = Clock.UtcNow.AddDays(30);
        var one = await Store.CreateRefreshTokenAsync(alice.Id, "r1", "docker", expires, Token);
        await Store.CreateRefreshTokenAsync(alice.Id, "r2", "podman", expires, Token);
        await Store.CreateRefreshTokenAsync(alice.Id, "r3", "skopeo", expires, Token);

        Assert.Equal(one, await Store.FindRefreshTokenAsync("r1", Token));
        Assert.True(one.IsActiveAt(Clock.UtcNow));
        Assert.False(one.IsActiveAt(expires));
        Assert.True(await Store.RevokeRefreshTokenAsync(one.Id, Token));
        Assert.False(await Store.RevokeRefreshTokenAsync(one.Id, Token));
        Assert.False((await Store.FindRefreshTokenAsync("r1", Token))!.IsActiveAt(Clock.UtcNow));
        Assert.Equal(2, await Store.RevokeRefreshTokensAsync(alice.Id, Token));
        Assert.NotNull((await Store.FindRefreshTokenAsync("r3", Token))!.RevokedAt);
    }
}
