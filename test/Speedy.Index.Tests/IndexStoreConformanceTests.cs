using Speedy.Index.Store;

namespace Speedy.Index.Tests;

/// <summary>
/// The contract of <see cref="IIndexStore"/>, run against every store: subclass it once per store and implement
/// <see cref="OpenStoreAsync"/> (a fresh, empty store per test; calling it again opens the same one).
/// </summary>
public abstract partial class IndexStoreConformanceTests : IAsyncLifetime
{
    private IIndexStore? _store;

    protected ManualTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.Zero));

    protected IIndexStore Store => _store ?? throw new InvalidOperationException("the store is opened in InitializeAsync");

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public virtual async ValueTask InitializeAsync() => _store = await OpenStoreAsync();

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        if (_store is not null)
        {
            await _store.DisposeAsync();
            _store = null;
        }
    }

    protected abstract Task<IIndexStore> OpenStoreAsync();

    protected async Task ReopenAsync()
    {
        if (_store is not null)
        {
            await _store.DisposeAsync();
        }

        _store = await OpenStoreAsync();
    }

    protected Task<Account> UserAsync(string name, bool isAdmin = false) => Store.CreateUserAsync(name, "$2a$04$hash-of-" + name, isAdmin, Token);

    [Fact]
    public async Task HasAccounts_IsFalseOnAnEmptyStoreAndTrueAfterTheFirstUser()
    {
        Assert.False(await Store.HasAccountsAsync(Token));
        await UserAsync("alice");
        Assert.True(await Store.HasAccountsAsync(Token));
    }

    [Fact]
    public async Task CreateUser_CreatesItsNamespaceWithTheUserAsOwner_AndSurvivesAReopen()
    {
        var alice = await UserAsync("alice", isAdmin: true);
        await ReopenAsync();

        var stored = await Store.GetAccountAsync("alice", Token);
        Assert.NotNull(stored);
        Assert.Equal(alice.Id, stored.Id);
        Assert.Equal(AccountKind.User, stored.Kind);
        Assert.True(stored.IsAdmin);
        Assert.Equal("$2a$04$hash-of-alice", stored.SecretHash);
        Assert.Equal(Clock.UtcNow, stored.Created);
        Assert.Equal(stored, await Store.GetAccountAsync(alice.Id, Token));
        var ns = await Store.GetNamespaceAsync("alice", Token);
        Assert.NotNull(ns);
        Assert.Equal(NamespaceKind.User, ns.Kind);
        Assert.Equal(NamespaceRole.Owner, await Store.GetRoleAsync("alice", alice.Id, Token));
    }

    [Fact]
    public async Task CreateUser_WithATakenName_Conflicts()
    {
        var alice = await UserAsync("alice");
        await Store.CreateOrganizationAsync("team", alice.Id, "", Token);

        await Assert.ThrowsAsync<IndexConflictException>(() => UserAsync("alice"));
        await Assert.ThrowsAsync<IndexConflictException>(() => UserAsync("team"));
        Assert.Equal(1, (await Store.ListAccountsAsync(new AccountQuery(), Token)).Total);
    }

    [Fact]
    public async Task GetAccount_OfAMissingAccount_IsNull()
    {
        Assert.Null(await Store.GetAccountAsync("nobody", Token));
        Assert.Null(await Store.GetAccountAsync(42, Token));
    }

    [Fact]
    public async Task ListAccounts_FiltersByKindNamespaceAndName_AndPages()
    {
        var owner = await UserAsync("owner");
        foreach (var name in new[] { "carol", "bob", "alice", "alicia" })
        {
            await UserAsync(name);
        }

        await Store.CreateRobotAsync(Robot("owner", "ci"), Token);

        var users = await Store.ListAccountsAsync(new AccountQuery { Kind = AccountKind.User, Limit = 2, Offset = 1 }, Token);
        Assert.Equal(5, users.Total);
        Assert.Equal(["alicia", "bob"], users.Items.Select(account => account.Name));
        var found = await Store.ListAccountsAsync(new AccountQuery { Search = "ALI" }, Token);
        Assert.Equal(["alice", "alicia"], found.Items.Select(account => account.Name));
        var robots = await Store.ListAccountsAsync(new AccountQuery { Kind = AccountKind.Robot, Namespace = "owner" }, Token);
        var robot = Assert.Single(robots.Items);
        Assert.Equal("robot$owner+ci", robot.Name);
        Assert.NotEmpty(robot.Rights);
        Assert.NotEqual(owner.Id, robot.Id);
    }

    [Fact]
    public async Task ListAccounts_RefusesAnOutOfRangePage()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAccountsAsync(new AccountQuery { Limit = 0 }, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAccountsAsync(new AccountQuery { Limit = IndexLimits.MaxPageSize + 1 }, Token));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAccountsAsync(new AccountQuery { Offset = -1 }, Token));
    }

    [Fact]
    public async Task AccountFlags_AreStored()
    {
        var alice = await UserAsync("alice");

        Assert.True(await Store.SetAdminAsync(alice.Id, true, Token));
        Assert.True(await Store.SetDisabledAsync(alice.Id, true, Token));
        Assert.True(await Store.SetPasswordHashAsync(alice.Id, "new-hash", Token));
        Assert.False(await Store.SetAdminAsync(999, true, Token));

        var stored = await Store.GetAccountAsync(alice.Id, Token);
        Assert.NotNull(stored);
        Assert.True(stored.IsAdmin);
        Assert.True(stored.IsDisabled);
        Assert.Equal("new-hash", stored.SecretHash);
    }

    [Fact]
    public async Task RecordLoginFailure_LocksAtTheMaximumWithinTheWindow_AndTheCountRestartsAfterIt()
    {
        var alice = await UserAsync("alice");
        var policy = new LockoutPolicy(3, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(10));

        Assert.Equal(new LoginFailure(1, null), await Store.RecordLoginFailureAsync(alice.Id, policy, Token));
        Clock.Advance(TimeSpan.FromMinutes(16));
        Assert.Equal(new LoginFailure(1, null), await Store.RecordLoginFailureAsync(alice.Id, policy, Token));
        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(new LoginFailure(2, null), await Store.RecordLoginFailureAsync(alice.Id, policy, Token));
        var locked = await Store.RecordLoginFailureAsync(alice.Id, policy, Token);

        Assert.Equal(3, locked.FailedLogins);
        Assert.Equal(Clock.UtcNow + policy.Duration, locked.LockedUntil);
        var stored = await Store.GetAccountAsync(alice.Id, Token);
        Assert.NotNull(stored);
        Assert.True(stored.IsLockedAt(Clock.UtcNow));
        Assert.False(stored.IsLockedAt(Clock.UtcNow + policy.Duration));
    }

    [Fact]
    public async Task RecordLoginSuccess_ClearsFailuresAndSetsTheLastLogin()
    {
        var alice = await UserAsync("alice");
        var policy = new LockoutPolicy(5, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(10));
        await Store.RecordLoginFailureAsync(alice.Id, policy, Token);
        await Store.RecordLoginFailureAsync(alice.Id, policy, Token);
        Clock.Advance(TimeSpan.FromSeconds(3));

        await Store.RecordLoginSuccessAsync(alice.Id, Token);

        var stored = await Store.GetAccountAsync(alice.Id, Token);
        Assert.NotNull(stored);
        Assert.Equal(0, stored.FailedLogins);
        Assert.Equal(Clock.UtcNow, stored.LastLogin);
        Assert.Equal(new LoginFailure(1, null), await Store.RecordLoginFailureAsync(alice.Id, policy, Token));
    }

    [Fact]
    public async Task SetPasswordHash_LiftsALockout()
    {
        var alice = await UserAsync("alice");
        await Store.RecordLoginFailureAsync(alice.Id, new LockoutPolicy(1, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1)), Token);

        await Store.SetPasswordHashAsync(alice.Id, "other", Token);

        Assert.Null((await Store.GetAccountAsync(alice.Id, Token))!.LockedUntil);
    }

    protected static RobotSpec Robot(string ns, string name, DateTimeOffset? expiresAt = null) => new()
    {
        Namespace = ns,
        Name = name,
        SecretHash = "sha-" + ns + name,
        Rights = [new RobotRight("app", ["pull"]), new RobotRight("app", ["push"]), new RobotRight("*", ["pull"])],
        ExpiresAt = expiresAt,
        Description = "builds",
    };
}
