using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Speedy.Index.Store;
using Speedy.Index.Tokens;

namespace Speedy.Index.Tests;

/// <summary>GET /token over a real index: who gets what, and the tokens validate against the JWKS it serves.</summary>
public sealed class TokenEndpointTests : IAsyncLifetime
{
    private TestIndex? _index;

    private TestIndex Index => _index!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _index = await TestIndex.StartAsync(options => options.MaxFailedLogins = 3);

    public async ValueTask DisposeAsync()
    {
        if (_index is not null)
        {
            await _index.DisposeAsync();
        }
    }

    [Fact]
    public async Task Get_WithAPassword_GrantsTheNamespaceOwnersRights_InATokenTheJwksValidates()
    {
        await Index.UserAsync("alice", "alice-password");

        var (token, access) = await Index.ReadGrantAsync(await Index.GetTokenAsync("alice", "alice-password", "repository:alice/app:pull,push,delete"));

        Assert.Equal(["repository:alice/app:delete,pull,push"], access);
        Assert.Equal("alice", token.Subject);
        Assert.Equal("ES256", token.Alg);
        Assert.Equal("JWT", token.Typ);
        Assert.Equal(Index.Keys.Current.KeyId, token.Kid);
        Assert.Equal(TimeSpan.FromMinutes(5), token.ValidTo - token.IssuedAt);
        Assert.False(string.IsNullOrEmpty(token.Id));
    }

    [Fact]
    public async Task Get_Anonymous_GetsOnlyPullsOfPublicRepositories()
    {
        await Index.UserAsync("alice", "alice-password");
        await Index.Store.CreateRepositoryAsync("alice/public", isPublic: true, "", Token);
        await Index.Store.CreateRepositoryAsync("alice/private", isPublic: false, "", Token);

        var (token, access) = await Index.ReadGrantAsync(await Index.GetTokenAsync(
            null, null, "repository:alice/public:pull,push", "repository:alice/private:pull", "registry:catalog:*"));

        Assert.Equal(["repository:alice/public:pull"], access);
        Assert.Equal(string.Empty, token.Subject);
    }

    [Fact]
    public async Task Get_GrantsByRole_AndAPushRightCoversRepositoriesNotYetCreated()
    {
        var alice = await Index.UserAsync("alice", "a-password");
        var maintainer = await Index.UserAsync("mona", "m-password");
        var reader = await Index.UserAsync("rita", "r-password");
        await Index.Store.CreateOrganizationAsync("team", alice.Id, "", Token);
        await Index.Store.SetMemberAsync("team", maintainer.Id, NamespaceRole.Maintainer, Token);
        await Index.Store.SetMemberAsync("team", reader.Id, NamespaceRole.Reader, Token);

        var scope = "repository:team/new/app:pull,push,delete";
        Assert.Equal(["repository:team/new/app:pull,push"], (await Index.ReadGrantAsync(await Index.GetTokenAsync("mona", "m-password", scope))).Access);
        Assert.Equal(["repository:team/new/app:pull"], (await Index.ReadGrantAsync(await Index.GetTokenAsync("rita", "r-password", scope))).Access);
        Assert.Empty((await Index.ReadGrantAsync(await Index.GetTokenAsync("rita", "r-password", "repository:alice/app:pull"))).Access);
    }

    [Fact]
    public async Task Get_LeavesOutCraftedAndUngrantedScopes()
    {
        await Index.UserAsync("alice", "alice-password");
        await Index.UserAsync("bob", "bob-password");

        var (_, access) = await Index.ReadGrantAsync(await Index.GetTokenAsync(
            "bob",
            "bob-password",
            "repository:alice/app:pull,push",
            "repository:bob/../alice/app:push",
            "repository:bob/app:pull,push:extra",
            "repository:Bob/app:pull",
            "repository:bob/app:pull,admin",
            "registry:catalog:*",
            "repository:bob/app:pull repository:alice/app:push",
            "repository:bob/ok:push"));

        Assert.Equal(["repository:bob/app:pull", "repository:bob/ok:push"], access);
    }

    [Fact]
    public async Task Get_GivesTheCatalogAndEverythingToAdministrators()
    {
        await Index.UserAsync("root", "root-password", isAdmin: true);

        var (_, access) = await Index.ReadGrantAsync(await Index.GetTokenAsync("root", "root-password", "registry:catalog:*", "repository:any/where:delete"));

        Assert.Equal(["registry:catalog:*", "repository:any/where:delete"], access);
    }

    [Fact]
    public async Task Get_WithAPersonalAccessToken_ActsAsItsUserWithinItsScopes_UntilItExpiresOrIsRevoked()
    {
        var alice = await Index.UserAsync("alice", "alice-password");
        await Index.UserAsync("bob", "bob-password");
        var secret = IndexSecrets.Create(IndexSecrets.AccessTokenPrefix);
        var pat = await Index.Store.CreateAccessTokenAsync(alice.Id, "ci", IndexSecrets.Hash(secret), ["pull"], Index.Clock.UtcNow.AddDays(1), Token);

        var (token, access) = await Index.ReadGrantAsync(await Index.GetTokenAsync("alice", secret, "repository:alice/app:pull,push"));
        Assert.Equal("alice", token.Subject);
        Assert.Equal(["repository:alice/app:pull"], access);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Index.GetTokenAsync("bob", secret, "repository:bob/app:pull")).StatusCode);
        Assert.NotNull((await Index.Store.FindAccessTokenAsync(IndexSecrets.Hash(secret), Token))!.LastUsed);

        Index.Clock.Advance(TimeSpan.FromDays(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Index.GetTokenAsync("alice", secret, "repository:alice/app:pull")).StatusCode);

        var other = IndexSecrets.Create(IndexSecrets.AccessTokenPrefix);
        var revoked = await Index.Store.CreateAccessTokenAsync(alice.Id, "old", IndexSecrets.Hash(other), ["pull"], null, Token);
        await Index.Store.RevokeAccessTokenAsync(alice.Id, revoked.Id, Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Index.GetTokenAsync("alice", other, "repository:alice/app:pull")).StatusCode);
        Assert.NotEqual(pat.Id, revoked.Id);
    }

    [Fact]
    public async Task Get_WithARobot_GrantsOnlyItsRights_UntilItExpires()
    {
        await Index.UserAsync("team", "team-password");
        var secret = IndexSecrets.Create(IndexSecrets.RobotPrefix);
        await Index.Store.CreateRobotAsync(
            new RobotSpec
            {
                Namespace = "team",
                Name = "ci",
                SecretHash = IndexSecrets.Hash(secret),
                Rights = [new RobotRight("app", ["pull", "push"]), new RobotRight("*", ["pull"])],
                ExpiresAt = Index.Clock.UtcNow.AddHours(1),
            },
            Token);

        var (token, access) = await Index.ReadGrantAsync(await Index.GetTokenAsync(
            "robot$team+ci", secret, "repository:team/app:pull,push,delete", "repository:team/web:push,pull", "repository:other/app:pull"));

        Assert.Equal("robot$team+ci", token.Subject);
        Assert.Equal(["repository:team/app:pull,push", "repository:team/web:pull"], access);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Index.GetTokenAsync("robot$team+ci", "spd_robot_wrong", "repository:team/app:pull")).StatusCode);
        Index.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Index.GetTokenAsync("robot$team+ci", secret, "repository:team/app:pull")).StatusCode);
    }

    [Fact]
    public async Task Get_ForAnotherService_Is400_AndAWrongPasswordIs401WithTheErrorJson()
    {
        await Index.UserAsync("alice", "alice-password");

        var other = await Index.Client.GetAsync("token?service=elsewhere&scope=repository:alice/app:pull", Token);
        Assert.Equal(HttpStatusCode.BadRequest, other.StatusCode);

        var wrong = await Index.GetTokenAsync("alice", "nope", "repository:alice/app:pull");
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var body = JsonDocument.Parse(await wrong.Content.ReadAsStringAsync(Token));
        Assert.Equal("UNAUTHORIZED", body.RootElement.GetProperty("errors")[0].GetProperty("code").GetString());
        Assert.Equal("invalid_grant", body.RootElement.GetProperty("error").GetString());

        using var malformed = new HttpRequestMessage(HttpMethod.Get, "token?service=speedy-registry");
        malformed.Headers.TryAddWithoutValidation("Authorization", "Basic !!!");
        Assert.Equal(HttpStatusCode.Unauthorized, (await Index.Client.SendAsync(malformed, Token)).StatusCode);
    }

    [Fact]
    public async Task RepeatedFailures_LockTheAccount_With429AndRetryAfter_AndAreAudited()
    {
        await Index.UserAsync("alice", "alice-password");

        for (var i = 0; i < 2; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await Index.GetTokenAsync("alice", "guess" + i)).StatusCode);
        }

        var locking = await Index.GetTokenAsync("alice", "guess-3");
        Assert.Equal(HttpStatusCode.TooManyRequests, locking.StatusCode);
        var right = await Index.GetTokenAsync("alice", "alice-password");
        Assert.Equal(HttpStatusCode.TooManyRequests, right.StatusCode);
        Assert.InRange(right.Headers.RetryAfter!.Delta!.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));

        var audit = await Index.Store.ListAuditAsync(new AuditQuery { Actor = "alice" }, Token);
        Assert.Equal(2, audit.Count(entry => entry.Action == AuditActions.LoginFailed));
        Assert.Equal(2, audit.Count(entry => entry.Action == AuditActions.LoginLocked));
        Assert.All(audit, entry => Assert.Equal("127.0.0.1", entry.RemoteAddress));

        Index.Clock.Advance(TimeSpan.FromMinutes(16));
        await Index.ReadGrantAsync(await Index.GetTokenAsync("alice", "alice-password"));
    }

    [Fact]
    public async Task RepeatedFailuresFromOneAddress_AreThrottledWhateverTheNames()
    {
        await using var index = await TestIndex.StartAsync(options => options.MaxFailedLoginsPerAddress = 4);
        await index.UserAsync("alice", "alice-password");

        for (var i = 0; i < 4; i++)
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await index.GetTokenAsync("user" + i, "guess")).StatusCode);
        }

        var throttled = await index.GetTokenAsync("alice", "alice-password");
        Assert.Equal(HttpStatusCode.TooManyRequests, throttled.StatusCode);
        Assert.NotNull(throttled.Headers.RetryAfter);
        index.Clock.Advance(TimeSpan.FromMinutes(15));
        await index.ReadGrantAsync(await index.GetTokenAsync("alice", "alice-password"));
    }

    [Fact]
    public async Task RepeatedTokenRequests_VerifyThePasswordAndAuditTheLoginOncePerCachePeriod()
    {
        var alice = await Index.UserAsync("alice", "alice-password");

        for (var i = 0; i < 3; i++)
        {
            await Index.ReadGrantAsync(await Index.GetTokenAsync("alice", "alice-password", "repository:alice/app:pull"));
        }

        Assert.Single(await Index.Store.ListAuditAsync(new AuditQuery { Action = AuditActions.LoginSucceeded }, Token));
        await Index.Store.SetPasswordHashAsync(alice.Id, Index.Hasher.Hash("changed-password"), Token);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Index.GetTokenAsync("alice", "alice-password")).StatusCode);
        Index.Clock.Advance(TimeSpan.FromMinutes(2));
        await Index.ReadGrantAsync(await Index.GetTokenAsync("alice", "changed-password"));
        Assert.Equal(2, (await Index.Store.ListAuditAsync(new AuditQuery { Action = AuditActions.LoginSucceeded }, Token)).Count);
    }

    [Fact]
    public async Task DisabledAccounts_GetNoToken()
    {
        var alice = await Index.UserAsync("alice", "alice-password");
        await Index.Store.SetDisabledAsync(alice.Id, true, Token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await Index.GetTokenAsync("alice", "alice-password")).StatusCode);
    }

    [Fact]
    public async Task Jwks_PublishesEveryKeyOfTheRing_WithItsThumbprintAsKid()
    {
        Index.Keys.Rotate();

        using var jwks = JsonDocument.Parse(await Index.Client.GetStringAsync(".well-known/jwks.json", Token));
        var keys = jwks.RootElement.GetProperty("keys").EnumerateArray().ToList();

        Assert.Equal(Index.Keys.PublishedKeys.Select(key => key.KeyId), keys.Select(key => key.GetProperty("kid").GetString()));
        foreach (var key in keys)
        {
            Assert.Equal("EC", key.GetProperty("kty").GetString());
            Assert.Equal("P-256", key.GetProperty("crv").GetString());
            Assert.Equal("ES256", key.GetProperty("alg").GetString());
            Assert.False(key.TryGetProperty("d", out _));
            Assert.Equal(KeyRingTests.Thumbprint(key.GetProperty("x").GetString()!, key.GetProperty("y").GetString()!), key.GetProperty("kid").GetString());
        }
    }

    [Fact]
    public async Task Health_Answers()
    {
        Assert.Equal(HttpStatusCode.OK, (await Index.Client.GetAsync("health", Token)).StatusCode);
    }

    internal static JsonWebToken Read(string raw) => new(raw);
}
