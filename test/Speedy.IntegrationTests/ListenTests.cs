using System.Net;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>What `speedy` says when it cannot take its address.</summary>
public sealed class ListenTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SecondRegistry_OnAPortInUse_ExitsWithCode2_SayingInOneLineThatItCannotListen()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("busy-port");
        await using var first = await RegistryProcess.StartRegistryAsync(temp.CreateSubdirectory("first"), output, cancellationToken);

        var second = await ExternalCommand.RunAsync(
            SpeedyProcess.DotnetHost,
            [SpeedyProcess.DllPath, "registry", "--listen", first.Authority, "--data", temp.CreateSubdirectory("second"), "--storage", "filesystem"],
            new CommandOptions { Timeout = TimeSpan.FromMinutes(1), Output = output },
            cancellationToken);

        Assert.Equal(2, second.ExitCode);
        var line = Assert.Single(second.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith($"speedy registry: cannot listen on {first.Authority}: ", line, StringComparison.Ordinal);
        Assert.Contains("address already in use", line, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("Hosting failed to start", second.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", second.StandardOutput, StringComparison.Ordinal);

        using var client = first.CreateClient();
        using var stillServing = await client.GetAsync("v2/", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, stillServing.StatusCode);
    }
}
