using System.Diagnostics;
using System.Net;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests.AllInOne;

/// <summary>`speedy server` with its built-in index (token auth): the admin health page shows the store behind the registry.</summary>
public sealed class AllInOneHealthPageTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SpeedyServer_AdminHealthPage_ForASignedInAdministrator_ListsEveryChunkServerFromTheMaster()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("server-health");
        await using var server = await AllInOneServer.StartWithTokenAuthAsync(temp.Combine("data"), ["--chunk-servers", "2"], output.WriteLine, cancellationToken);
        var password = await OneTimePasswordAsync(server, cancellationToken);
        using var browser = new WebUiClient(server.BaseAddress);

        var (anonymous, _) = await browser.GetAsync("/admin/health", cancellationToken);
        await browser.SignInAsync("admin", password, cancellationToken);
        var (status, page) = await browser.GetAsync("/admin/health", cancellationToken);

        Assert.Equal(HttpStatusCode.Redirect, anonymous);
        Assert.True(status == HttpStatusCode.OK, $"/admin/health answered {(int)status}:\n{page}");
        Assert.DoesNotContain("not available", page, StringComparison.Ordinal);
        Assert.DoesNotContain("cannot be read", page, StringComparison.Ordinal);
        Assert.Contains($"From {server.MasterUrl}", page, StringComparison.Ordinal);
        Assert.Contains("<strong>2 / 2</strong> healthy", page, StringComparison.Ordinal);
        Assert.Equal(2, server.ChunkServers.Count);
        foreach (var (url, group) in server.ChunkServers)
        {
            Assert.Contains($"<td class=\"mono\">{url.GetLeftPart(UriPartial.Authority)}</td>", page, StringComparison.Ordinal);
            Assert.Contains($"<h2>Group {group} <span class=\"badge public\">writable</span></h2>", page, StringComparison.Ordinal);
        }
    }

    /// <summary>The bootstrap administrator's password, printed once on stderr when the index starts on empty data.</summary>
    private static async Task<string> OneTimePasswordAsync(AllInOneServer server, CancellationToken cancellationToken)
    {
        // The index prints it while it starts, before the registry listens; the output reader may lag.
        var stopwatch = Stopwatch.StartNew();
        while (!server.Output.Contains("one-time password: ", StringComparison.Ordinal) && stopwatch.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(50, cancellationToken);
        }

        return WebUiClient.OneTimePassword(server.Output);
    }
}
