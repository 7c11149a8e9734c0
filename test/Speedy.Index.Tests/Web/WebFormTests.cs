using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Speedy.Index.Pages.Admin;
using Speedy.Index.Store;
using Speedy.Index.Tokens;

namespace Speedy.Index.Tests.Web;

/// <summary>The UI's forms over HTTP: tokens, users, robots, members, organizations, and pages when the registry is down.</summary>
public sealed partial class WebFormTests : IAsyncLifetime
{
    private WebTestHost _host = null!; // Set in InitializeAsync.

    public async ValueTask InitializeAsync() => _host = await WebTestHost.StartAsync(new Uri($"http://127.0.0.1:{ClosedPort()}/"));

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Token_Created_IsShownOnceWorksForDockerLoginAndRevokes()
    {
        using var client = _host.CreateClient();
        await client.SignInAsync("alice", WebTestHost.AlicePassword);
        var created = await client.PostFormAsync(
            "/settings/tokens",
            "/settings/tokens?handler=Create",
            new Dictionary<string, string> { ["TokenName"] = "ci", ["Scopes"] = "pull", ["ExpiresInDays"] = "30" });
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var secret = Secret().Match(created.Body).Groups[1].Value;
        Assert.StartsWith(IndexSecrets.AccessTokenPrefix, secret, StringComparison.Ordinal);
        Assert.Contains("docker login 127.0.0.1:", created.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, (await client.GetAsync("/settings/tokens")).Body, StringComparison.Ordinal);

        var verifier = (CredentialVerifier)_host.App.Services.GetService(typeof(CredentialVerifier))!;
        var login = await verifier.VerifyAsync("alice", secret, "127.0.0.1", TestContext.Current.CancellationToken);
        Assert.Equal(LoginStatus.Succeeded, login.Status);
        Assert.Equal(["pull"], login.Principal!.AccessToken!.Scopes);

        var id = login.Principal.AccessToken.Id;
        var revoked = await client.PostFormAsync(
            "/settings/tokens", "/settings/tokens?handler=Revoke", new Dictionary<string, string> { ["id"] = $"{id}" });
        Assert.Equal(HttpStatusCode.Redirect, revoked.Status);
        Assert.Contains("revoked", (await client.GetAsync("/settings/tokens")).Body, StringComparison.Ordinal);
        var afterRevoke = await verifier.VerifyAsync("alice", secret, "127.0.0.1", TestContext.Current.CancellationToken);
        Assert.Equal(LoginStatus.Failed, afterRevoke.Status);
    }

    [Fact]
    public async Task Token_WithoutScopesOrName_IsRefusedOnThePage()
    {
        using var client = _host.CreateClient();
        await client.SignInAsync("alice", WebTestHost.AlicePassword);
        var noScope = await client.PostFormAsync(
            "/settings/tokens", "/settings/tokens?handler=Create", new Dictionary<string, string> { ["TokenName"] = "x", ["ExpiresInDays"] = "30" });
        Assert.Equal(HttpStatusCode.BadRequest, noScope.Status);
        Assert.Contains("Choose the token&#x27;s scopes", noScope.Body, StringComparison.Ordinal);
        var noName = await client.PostFormAsync(
            "/settings/tokens", "/settings/tokens?handler=Create", new Dictionary<string, string> { ["Scopes"] = "pull", ["ExpiresInDays"] = "30" });
        Assert.Equal(HttpStatusCode.BadRequest, noName.Status);
    }

    [Fact]
    public async Task AdminUsers_CreateResetDisable_WorkAndAreAudited()
    {
        using var admin = _host.CreateClient();
        await admin.SignInAsync("admin", WebTestHost.AdminPassword);
        var created = await admin.PostFormAsync("/admin/users", "/admin/users?handler=Create", new Dictionary<string, string> { ["name"] = "carol" });
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var password = OneTimePassword().Match(created.Body).Groups[1].Value;
        Assert.Equal(24, password.Length);
        using (var carol = _host.CreateClient())
        {
            await carol.SignInAsync("carol", password);
        }

        var account = (await _host.Store.GetAccountAsync("carol", TestContext.Current.CancellationToken))!;
        var reset = await admin.PostFormAsync("/admin/users", "/admin/users?handler=ResetPassword", new Dictionary<string, string> { ["id"] = $"{account.Id}" });
        var newPassword = OneTimePassword().Match(reset.Body).Groups[1].Value;
        Assert.NotEqual(password, newPassword);
        var disabled = await admin.PostFormAsync(
            "/admin/users", "/admin/users?handler=Disable", new Dictionary<string, string> { ["id"] = $"{account.Id}", ["disable"] = "true" });
        Assert.Equal(HttpStatusCode.Redirect, disabled.Status);
        using (var carol = _host.CreateClient())
        {
            var refused = await carol.PostFormAsync("/signin", "/signin", new Dictionary<string, string> { ["name"] = "carol", ["password"] = newPassword });
            Assert.Equal(HttpStatusCode.Unauthorized, refused.Status);
        }

        var adminId = (await _host.Store.GetAccountAsync("admin", TestContext.Current.CancellationToken))!.Id;
        var self = await admin.PostFormAsync(
            "/admin/users", "/admin/users?handler=Disable", new Dictionary<string, string> { ["id"] = $"{adminId}", ["disable"] = "true" });
        Assert.Equal(HttpStatusCode.BadRequest, self.Status);
        var audit = await _host.Store.ListAuditAsync(new AuditQuery { Actor = "admin", Target = "carol" }, TestContext.Current.CancellationToken);
        Assert.Equal(["user.disable", "password.reset", AuditActions.UserCreated], audit.Select(entry => entry.Action));
    }

    [Fact]
    public async Task AdminRobots_Create_ShowsTheSecretOnceAndItSignsIn()
    {
        using var admin = _host.CreateClient();
        await admin.SignInAsync("admin", WebTestHost.AdminPassword);
        var created = await admin.PostFormAsync(
            "/admin/robots",
            "/admin/robots?handler=Create",
            new Dictionary<string, string> { ["Namespace"] = "alice", ["RobotName"] = "ci", ["Rights"] = "*: pull\nweb: pull,push", ["ExpiresInDays"] = "30" });
        Assert.Equal(HttpStatusCode.OK, created.Status);
        var secret = RobotSecret().Match(created.Body).Groups[1].Value;
        Assert.StartsWith(IndexSecrets.RobotPrefix, secret, StringComparison.Ordinal);
        Assert.Contains("--username &#x27;robot$alice&#x2B;ci&#x27;", created.Body, StringComparison.Ordinal);
        var verifier = (CredentialVerifier)_host.App.Services.GetService(typeof(CredentialVerifier))!;
        Assert.Equal(LoginStatus.Succeeded, (await verifier.VerifyAsync("robot$alice+ci", secret, "127.0.0.1", TestContext.Current.CancellationToken)).Status);
        Assert.DoesNotContain(secret, (await admin.GetAsync("/admin/robots")).Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*: pull", true)]
    [InlineData("web: pull,push\nteam/api: delete", true)]
    [InlineData("", false)]
    [InlineData("web", false)]
    [InlineData("web: admin", false)]
    [InlineData("../etc: pull", false)]
    [InlineData("Web: pull", false)]
    [InlineData("web: pull\nweb: push", false)]
    public void RobotRights_Parse_AcceptsOnlyRepositoryPathsAndKnownActions(string text, bool valid) =>
        Assert.Equal(valid, RobotsModel.TryParseRights("alice", text, out _, out _));

    [Fact]
    public async Task Namespace_OwnerAddsAndRemovesAMember_ReaderSeesThePrivateRepository()
    {
        using var alice = _host.CreateClient();
        await alice.SignInAsync("alice", WebTestHost.AlicePassword);
        using var bob = _host.CreateClient();
        await bob.SignInAsync("bob", WebTestHost.BobPassword);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/repo/{WebTestHost.PrivateRepository}")).Status);

        var added = await alice.PostFormAsync("/ns/alice", "/ns/alice?handler=SetMember", new Dictionary<string, string> { ["account"] = "bob", ["role"] = "Reader" });
        Assert.Equal(HttpStatusCode.Redirect, added.Status);
        var page = await bob.GetAsync($"/repo/{WebTestHost.PrivateRepository}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.DoesNotContain("Edit the description", page.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await bob.PostFormAsync("/ns/alice", "/ns/alice?handler=SetMember", new Dictionary<string, string> { ["account"] = "bob", ["role"] = "Owner" })).Status);

        var bobId = (await _host.Store.GetAccountAsync("bob", TestContext.Current.CancellationToken))!.Id;
        var removed = await alice.PostFormAsync("/ns/alice", "/ns/alice?handler=RemoveMember", new Dictionary<string, string> { ["accountId"] = $"{bobId}" });
        Assert.Equal(HttpStatusCode.Redirect, removed.Status);
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync($"/repo/{WebTestHost.PrivateRepository}")).Status);

        var aliceId = (await _host.Store.GetAccountAsync("alice", TestContext.Current.CancellationToken))!.Id;
        var lastOwner = await alice.PostFormAsync("/ns/alice", "/ns/alice?handler=RemoveMember", new Dictionary<string, string> { ["accountId"] = $"{aliceId}" });
        Assert.Equal(HttpStatusCode.BadRequest, lastOwner.Status);
    }

    [Fact]
    public async Task Organization_Created_HasItsCreatorAsOwner_ATakenNameIsRefused()
    {
        using var client = _host.CreateClient();
        await client.SignInAsync("bob", WebTestHost.BobPassword);
        var created = await client.PostFormAsync("/orgs/new", "/orgs/new", new Dictionary<string, string> { ["Name"] = "platform", ["Description"] = "The **platform** team" });
        Assert.Equal(HttpStatusCode.Redirect, created.Status);
        var page = await client.GetAsync("/ns/platform");
        Assert.Contains("<strong>platform</strong>", page.Body, StringComparison.Ordinal);
        Assert.Contains("Add a member", page.Body, StringComparison.Ordinal);
        var taken = await client.PostFormAsync("/orgs/new", "/orgs/new", new Dictionary<string, string> { ["Name"] = "alice" });
        Assert.Equal(HttpStatusCode.BadRequest, taken.Status);
        Assert.Contains("is taken", taken.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegistryDown_RepositoryPageStillShows_TagPageIsA502Page()
    {
        using var client = _host.CreateClient();
        var repository = await client.GetAsync($"/repo/{WebTestHost.PublicRepository}");
        Assert.Equal(HttpStatusCode.OK, repository.Status);
        Assert.Contains("cannot be reached", repository.Body, StringComparison.Ordinal);
        var tag = await client.GetAsync($"/image/{WebTestHost.PublicRepository}:latest");
        Assert.Equal(HttpStatusCode.BadGateway, tag.Status);
        Assert.Contains("The registry is unavailable", tag.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasswordChange_EndsOtherSessions()
    {
        using var first = _host.CreateClient();
        await first.SignInAsync("bob", WebTestHost.BobPassword);
        using var second = _host.CreateClient();
        await second.SignInAsync("bob", WebTestHost.BobPassword);
        var changed = await first.PostFormAsync(
            "/settings/password",
            "/settings/password",
            new Dictionary<string, string> { ["Current"] = WebTestHost.BobPassword, ["NewPassword"] = "bob-new-password", ["Confirm"] = "bob-new-password" });
        Assert.Equal(HttpStatusCode.OK, changed.Status);
        Assert.Contains("Your password was changed", changed.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await first.GetAsync("/settings/tokens")).Status);
        Assert.Equal(HttpStatusCode.Redirect, (await second.GetAsync("/settings/tokens")).Status);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [GeneratedRegex("<code id=\"token-secret\">([^<]+)</code>")]
    private static partial Regex Secret();

    [GeneratedRegex("id=\"one-time-password\">[\\s\\S]*?<code>([^<]+)</code>")]
    private static partial Regex OneTimePassword();

    [GeneratedRegex("id=\"new-robot\">[\\s\\S]*?<code>([^<]+)</code>")]
    private static partial Regex RobotSecret();
}
