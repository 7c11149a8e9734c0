using System.Diagnostics;
using System.Net;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>`speedy index` alone hosts the web UI: the pages, sign-in, the registry's name in commands, the health page from --master.</summary>
public sealed class IndexWebUiTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SpeedyIndex_WithRegistryUrl_ServesTheExplorePage_SignIn_TokensNamingTheRegistryHost_AndTheHealthPage()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("index-web");
        // The pages below do not ask the registry; the master is not there, which the health page must say.
        var registry = $"http://127.0.0.1:{FreePort.Next()}";
        var master = $"http://127.0.0.1:{FreePort.Next()}/";
        await using var index = await SpeedyProcess.StartRoleAsync(
            "index",
            ["--data", temp.Combine("data"), "--bcrypt-work-factor", "4", "--registry-url", registry, "--registry-host", "registry.example.test", "--master", master],
            environment: null,
            output.WriteLine,
            cancellationToken);
        var password = await OneTimePasswordAsync(index, cancellationToken);
        using var browser = new WebUiClient(index.Address);

        var (exploreStatus, explore) = await browser.GetAsync("/", cancellationToken);
        var (signInStatus, signIn) = await browser.GetAsync("/signin", cancellationToken);
        var (missingStatus, _) = await browser.GetAsync("/no/such/page", cancellationToken);
        await browser.SignInAsync("admin", password, cancellationToken);
        using var created = await browser.PostFormAsync(
            "/settings/tokens",
            "/settings/tokens?handler=Create",
            new Dictionary<string, string> { ["TokenName"] = "ci", ["Scopes"] = "pull", ["ExpiresInDays"] = "30" },
            cancellationToken);
        var tokens = await created.Content.ReadAsStringAsync(cancellationToken);
        var (healthStatus, health) = await browser.GetAsync("/admin/health", cancellationToken);
        var (_, jwks) = await browser.GetAsync("/.well-known/jwks.json", cancellationToken);

        Assert.Equal(HttpStatusCode.OK, exploreStatus);
        Assert.Contains("<h1>Explore repositories</h1>", explore, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, signInStatus);
        Assert.Contains("name=\"password\"", signIn, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, missingStatus);
        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Contains("docker login registry.example.test --username admin", tokens, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, healthStatus);
        Assert.Contains("The storage's state cannot be read", health, StringComparison.Ordinal);
        Assert.Contains("no master answered", health, StringComparison.Ordinal);
        Assert.Contains("\"keys\"", jwks, StringComparison.Ordinal);
        Assert.Contains($"web UI on the registry {registry}", index.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SpeedyIndex_WithAMalformedRegistryUrl_ExitsWithCode2_NamingTheFlag()
    {
        using var temp = TempDirectory.Create("index-web-bad");

        var (exitCode, text) = await SpeedyProcess.RunToExitAsync(
            ["index", "--data", temp.Combine("data"), "--registry-url", "registry:5000"], output.WriteLine, TestContext.Current.CancellationToken);

        Assert.Equal(2, exitCode);
        Assert.Contains("--registry-url", text, StringComparison.Ordinal);
    }

    /// <summary>The bootstrap administrator's password, printed once on stderr when the index starts on empty data.</summary>
    private static async Task<string> OneTimePasswordAsync(SpeedyProcess index, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        while (!index.Output.Contains("one-time password: ", StringComparison.Ordinal) && stopwatch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50, cancellationToken);
        }

        return WebUiClient.OneTimePassword(index.Output);
    }
}
