using System.Net;
using Speedy.Index.Store;
using Speedy.Index.Web;

namespace Speedy.Index.Tests.Web;

/// <summary>The web UI's pages through a real host over a real SQLite store: who sees what, and what every error looks like.</summary>
public sealed class WebPageTests : IAsyncLifetime
{
    private WebTestHost _host = null!; // Set in InitializeAsync.

    public static TheoryData<string> AdminPages => ["/admin", "/admin/users", "/admin/robots", "/admin/health", "/admin/audit"];

    public async ValueTask InitializeAsync() => _host = await WebTestHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Explore_Anonymous_ListsPublicRepositoriesOnly()
    {
        using var client = _host.CreateClient();
        var page = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(WebTestHost.PublicRepository, page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(WebTestHost.PrivateRepository, page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Explore_Owner_ListsItsPrivateRepositoryToo()
    {
        using var client = _host.CreateClient();
        await client.SignInAsync("alice", WebTestHost.AlicePassword);
        var page = await client.GetAsync("/?q=secret");
        Assert.Contains(WebTestHost.PrivateRepository, page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(WebTestHost.PublicRepository, page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepositoryPage_Public_RendersTheDescriptionAndSaysWhyTagsAreMissing()
    {
        using var client = _host.CreateClient();
        var page = await client.GetAsync($"/repo/{WebTestHost.PublicRepository}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("<strong>web</strong>", page.Body, StringComparison.Ordinal);
        Assert.Contains("no registry is configured", page.Body, StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", page.Headers["Content-Security-Policy"], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("bob")]
    public async Task RepositoryPage_PrivateWithoutPull_IsNotFound(string? user)
    {
        using var client = _host.CreateClient();
        if (user is not null)
        {
            await client.SignInAsync(user, WebTestHost.BobPassword);
        }

        foreach (var path in new[] { $"/repo/{WebTestHost.PrivateRepository}", $"/image/{WebTestHost.PrivateRepository}:latest", "/repo/nobody/missing" })
        {
            var page = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, page.Status);
            Assert.Contains("does not exist, or you may not see it", page.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("Top secret", page.Body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RepositoryPage_PrivateForItsOwner_IsShown()
    {
        using var client = _host.CreateClient();
        await client.SignInAsync("alice", WebTestHost.AlicePassword);
        var page = await client.GetAsync($"/repo/{WebTestHost.PrivateRepository}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("Top secret", page.Body, StringComparison.Ordinal);
        Assert.Contains("Edit the description", page.Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task AdminPage_NonAdmin_IsForbidden(string path)
    {
        using var client = _host.CreateClient();
        await client.SignInAsync("alice", WebTestHost.AlicePassword);
        var page = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Forbidden, page.Status);
        Assert.Contains("This page is for administrators.", page.Body, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AdminPages))]
    public async Task AdminPage_Anonymous_IsSentToSignIn(string path)
    {
        using var client = _host.CreateClient();
        var page = await client.GetAsync(path);
        Assert.Equal(HttpStatusCode.Redirect, page.Status);
        Assert.StartsWith("/signin?returnUrl=", page.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminPages_Admin_AreShown()
    {
        using var client = _host.CreateClient();
        await client.SignInAsync("admin", WebTestHost.AdminPassword);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/users")).Status);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/admin/robots")).Status);
        var health = await client.GetAsync("/admin/health");
        Assert.Contains("Storage health is not available", health.Body, StringComparison.Ordinal);
        var audit = await client.GetAsync("/admin/audit?action=login.ok");
        Assert.Contains("admin", audit.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_IsRefusedWithAClearPage()
    {
        using var client = _host.CreateClient();
        await client.SignInAsync("alice", WebTestHost.AlicePassword);
        var star = await client.PostAsync($"/repo/{WebTestHost.PublicRepository}?handler=Star", new Dictionary<string, string>());
        Assert.Equal(HttpStatusCode.BadRequest, star.Status);
        Assert.Contains("The form was not sent from this site", star.Body, StringComparison.Ordinal);
        var description = await client.PostAsync(
            $"/repo/{WebTestHost.PublicRepository}?handler=Description", new Dictionary<string, string> { ["description"] = "defaced" });
        Assert.Equal(HttpStatusCode.BadRequest, description.Status);
        var signIn = await client.PostAsync("/signin", new Dictionary<string, string> { ["name"] = "alice", ["password"] = WebTestHost.AlicePassword });
        Assert.Equal(HttpStatusCode.BadRequest, signIn.Status);
        var repository = await _host.Store.GetRepositoryAsync(WebTestHost.PublicRepository, TestContext.Current.CancellationToken);
        Assert.Equal(0, repository!.StarCount);
        Assert.DoesNotContain("defaced", repository.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Star_WithToken_CountsOnceAndToggles()
    {
        using var client = _host.CreateClient();
        await client.SignInAsync("bob", WebTestHost.BobPassword);
        var path = $"/repo/{WebTestHost.PublicRepository}";
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync(path, path + "?handler=Star", new Dictionary<string, string>())).Status);
        var starred = await client.GetAsync(path);
        Assert.Contains("★ Unstar", starred.Body, StringComparison.Ordinal);
        Assert.Contains("<strong>1</strong> star", starred.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Redirect, (await client.PostFormAsync(path, path + "?handler=Unstar", new Dictionary<string, string>())).Status);
        Assert.Contains("☆ Star", (await client.GetAsync(path)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Description_ByAReader_IsForbidden()
    {
        using var client = _host.CreateClient();
        await client.SignInAsync("bob", WebTestHost.BobPassword);
        var path = $"/repo/{WebTestHost.PublicRepository}";
        var page = await client.GetAsync(path);
        Assert.DoesNotContain("Edit the description", page.Body, StringComparison.Ordinal);
        var response = await client.PostFormAsync(path, path + "?handler=Description", new Dictionary<string, string> { ["description"] = "defaced" });
        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
    }

    [Fact]
    public async Task SignIn_WrongPassword_IsRefusedAuditedAndLocksAfterTheLimit()
    {
        using var client = _host.CreateClient();
        var options = (Speedy.Index.IndexOptions)_host.App.Services.GetService(typeof(Speedy.Index.IndexOptions))!;
        WebResponse? last = null;
        for (var i = 0; i < options.MaxFailedLogins; i++)
        {
            last = await client.PostFormAsync("/signin", "/signin", new Dictionary<string, string> { ["name"] = "bob", ["password"] = "wrong" });
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, last!.Status);
        Assert.Contains("Too many failed sign-ins", last.Body, StringComparison.Ordinal);
        var locked = await client.PostFormAsync("/signin", "/signin", new Dictionary<string, string> { ["name"] = "bob", ["password"] = WebTestHost.BobPassword });
        Assert.Equal(HttpStatusCode.TooManyRequests, locked.Status);
        var audit = await _host.Store.ListAuditAsync(new AuditQuery { Actor = "bob" }, TestContext.Current.CancellationToken);
        Assert.Contains(audit, entry => entry.Action == AuditActions.LoginFailed);
        Assert.Contains(audit, entry => entry.Action == AuditActions.LoginLocked);
    }

    [Fact]
    public async Task SignIn_WithAnAccessToken_IsRefused()
    {
        using var client = _host.CreateClient();
        var page = await client.PostFormAsync(
            "/signin", "/signin", new Dictionary<string, string> { ["name"] = "alice", ["password"] = "spd_pat_anything" });
        Assert.Equal(HttpStatusCode.Unauthorized, page.Status);
        Assert.Contains("access tokens and robot accounts are for docker login", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_ReturnUrlElsewhere_StaysOnTheSite()
    {
        using var client = _host.CreateClient();
        var response = await client.PostFormAsync(
            "/signin",
            "/signin",
            new Dictionary<string, string> { ["name"] = "alice", ["password"] = WebTestHost.AlicePassword, ["returnUrl"] = "https://evil.example/" });
        Assert.Equal(HttpStatusCode.Redirect, response.Status);
        Assert.Equal("/", response.Location!.OriginalString);
    }

    [Fact]
    public async Task Session_DisabledAccount_EndsAtOnce()
    {
        using var client = _host.CreateClient();
        await client.SignInAsync("bob", WebTestHost.BobPassword);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/settings/tokens")).Status);
        var bob = await _host.Store.GetAccountAsync("bob", TestContext.Current.CancellationToken);
        await _host.Store.SetDisabledAsync(bob!.Id, true, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/settings/tokens")).Status);
    }

    [Fact]
    public async Task UnknownPath_IsAClearNotFoundPage()
    {
        using var client = _host.CreateClient();
        var page = await client.GetAsync("/no/such/page");
        Assert.Equal(HttpStatusCode.NotFound, page.Status);
        Assert.Contains("There is no page at this address.", page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StaticAssets_AreServedWithAVersion()
    {
        using var client = _host.CreateClient();
        var css = await client.GetAsync("/static/index.css");
        Assert.Equal(HttpStatusCode.OK, css.Status);
        Assert.StartsWith("text/css", css.Headers["Content-Type"], StringComparison.Ordinal);
        Assert.Contains(":root", css.Body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/static/copy.js")).Status);
    }

    [Fact]
    public async Task TokenApi_StillAnswersNextToThePages()
    {
        using var client = _host.CreateClient();
        var jwks = await client.GetAsync("/.well-known/jwks.json");
        Assert.Equal(HttpStatusCode.OK, jwks.Status);
        Assert.Contains("\"keys\"", jwks.Body, StringComparison.Ordinal);
        Assert.NotNull(IndexWebApplication.SessionCookie);
    }
}
