using System.Diagnostics;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Speedy.Registry;

namespace Speedy.Index.Tests.Web;

/// <summary>
/// The web UI end to end in a real browser: a real registry (in-memory storage behind Kestrel) with pushed images —
/// a single-platform image, a two-platform image index with an SBOM referrer, and a tag to delete — and the index
/// with its UI over a seeded SQLite store; then test/ui-e2e/e2e.mjs drives headless Chromium (Debian's, through npm
/// playwright-core) through the UI and saves a screenshot of every page under artifacts/ci/screenshots/ui-e2e.
/// Needs node, <c>npm ci --prefix test/ui-e2e</c> and <c>/usr/bin/chromium</c> (or CHROMIUM); .ci/run installs them.
/// </summary>
public sealed class BrowserEndToEndTests
{
    private const string MultiTag = "multi";
    private const string DeleteTag = "old";
    private static readonly TimeSpan s_scriptTimeout = TimeSpan.FromMinutes(4);

    [Fact]
    public async Task Browser_SignInTokenStarDescriptionDeleteTagAndMultiPlatformPage_AllWork()
    {
        var root = RepositoryRoot();
        var e2e = Path.Combine(root, "test", "ui-e2e");
        var chromium = Environment.GetEnvironmentVariable("CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
        Assert.True(File.Exists(chromium), $"{chromium} is missing: apt-get install chromium (as .ci/run does), or set CHROMIUM");
        Assert.True(
            Directory.Exists(Path.Combine(e2e, "node_modules", "playwright-core")),
            $"playwright-core is not installed: run `npm ci --prefix {e2e}` (as .ci/run does)");

        await using var registry = RegistryHost.Build(new RegistryOptions { Storage = "memory", Listen = "127.0.0.1:0" });
        await registry.StartAsync(TestContext.Current.CancellationToken);
        var registryUrl = new Uri(registry.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single());
        using var registryClient = new HttpClient { BaseAddress = registryUrl };
        var pusher = new OciPusher(registryClient);
        var repository = WebTestHost.PublicRepository;
        await pusher.PushImageAsync(repository, "amd64", null, "1.0");
        await pusher.PushImageAsync(repository, "arm64", "v8", DeleteTag);
        var index = await pusher.PushIndexAsync(
            repository,
            MultiTag,
            await pusher.PushImageAsync(repository, "amd64", null, null),
            await pusher.PushImageAsync(repository, "arm64", "v8", null));
        await pusher.PushSbomAsync(repository, index);

        await using var host = await WebTestHost.StartAsync(registryUrl);
        await host.Store.RecordPushAsync(repository, DateTimeOffset.UtcNow, TestContext.Current.CancellationToken);
        var screenshots = Path.Combine(root, "artifacts", "ci", "screenshots", "ui-e2e");
        var (exitCode, output) = await RunNodeAsync(
            e2e,
            new Dictionary<string, string>
            {
                ["SPEEDY_INDEX_URL"] = host.Address.ToString(),
                ["SPEEDY_USER"] = "alice",
                ["SPEEDY_PASSWORD"] = WebTestHost.AlicePassword,
                ["SPEEDY_REPOSITORY"] = repository,
                ["SPEEDY_MULTI_TAG"] = MultiTag,
                ["SPEEDY_DELETE_TAG"] = DeleteTag,
                ["SPEEDY_SCREENSHOTS"] = screenshots,
                ["CHROMIUM"] = chromium,
            });
        TestContext.Current.TestOutputHelper?.WriteLine($"screenshots: {screenshots}\n{output}");
        Console.WriteLine($"ui-e2e screenshots: {screenshots}");
        Assert.True(exitCode == 0, $"e2e.mjs exited with {exitCode}:\n{output}");

        // What the browser did reached the registry and the store.
        using var deleted = await registryClient.GetAsync($"/v2/{repository}/manifests/{DeleteTag}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, deleted.StatusCode);
        var stored = await host.Store.GetRepositoryAsync(repository, TestContext.Current.CancellationToken);
        Assert.Equal(1, stored!.StarCount);
        Assert.Contains("# Hello from e2e", stored.Description, StringComparison.Ordinal);
        var audit = await host.Store.ListAuditAsync(new Store.AuditQuery { Actor = "alice" }, TestContext.Current.CancellationToken);
        Assert.Contains(audit, entry => entry.Action == Store.AuditActions.Delete && entry.Target == $"{repository}:{DeleteTag}");
        Assert.Contains(audit, entry => entry.Action == Store.AuditActions.TokenCreated && entry.Target == "e2e laptop");
        Assert.True(Directory.GetFiles(screenshots, "*.png").Length >= 10);
    }

    private static async Task<(int ExitCode, string Output)> RunNodeAsync(string directory, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("e2e.mjs");
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("node did not start");
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(s_scriptTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>The checkout's root: the first directory above the test binaries with Speedy.slnx.</summary>
    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Speedy.slnx")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"no Speedy.slnx above {AppContext.BaseDirectory}");
    }
}
