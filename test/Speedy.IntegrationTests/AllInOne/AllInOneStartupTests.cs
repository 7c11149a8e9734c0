using System.Net;
using System.Net.Sockets;
using Speedy.Testing;

namespace Speedy.IntegrationTests.AllInOne;

/// <summary>What `speedy server` says when it cannot start: a one-line error and exit code 2.</summary>
public sealed class AllInOneStartupTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SpeedyServer_OnAPortInUse_ExitsWithCode2_SayingInOneLineThatItCannotListen()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("server-busy-port");
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var authority = $"127.0.0.1:{((IPEndPoint)occupant.LocalEndpoint).Port}";

        var result = await AllInOneCommand.RunAsync(["server", "--listen", authority, "--data", temp.Combine("data")], output, cancellationToken);

        Assert.Equal(2, result.ExitCode);
        var line = AllInOneCommand.SingleErrorLine(result);
        Assert.StartsWith($"speedy server: cannot listen on {authority}: ", line, StringComparison.Ordinal);
        Assert.Contains("address already in use", line, StringComparison.OrdinalIgnoreCase);
        // It found out before starting the store.
        Assert.False(Directory.Exists(temp.Combine("data")), "the store was started although the registry could not listen");
    }

    [Fact]
    public async Task SpeedyServer_OnDataAnotherServerRuns_ExitsWithCode2InOneLine_AndTheFirstKeepsServing()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("server-data-in-use");
        var data = temp.CreateSubdirectory("data");
        await using var first = await AllInOneServer.StartAsync(data, [], output, cancellationToken);

        var second = await AllInOneCommand.RunAsync(
            ["server", "--listen", $"127.0.0.1:{FreePort.Next()}", "--data", data], output, cancellationToken);

        Assert.Equal(2, second.ExitCode);
        var line = AllInOneCommand.SingleErrorLine(second);
        Assert.StartsWith("speedy server: ", line, StringComparison.Ordinal);
        Assert.Contains("in use by another speedy server", line, StringComparison.Ordinal);
        using var client = first.CreateClient();
        using var stillServing = await client.GetAsync("v2/", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
    }
}
