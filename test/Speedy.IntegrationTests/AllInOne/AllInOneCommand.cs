using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests.AllInOne;

/// <summary>Runs `speedy` to its exit, with stdout and stderr apart, for the commands that must refuse to start.</summary>
public static class AllInOneCommand
{
    public static Task<CommandResult> RunAsync(IReadOnlyList<string> arguments, ITestOutputHelper output, CancellationToken cancellationToken) =>
        ExternalCommand.RunAsync(
            SpeedyProcess.DotnetHost,
            [SpeedyProcess.DllPath, .. arguments],
            new CommandOptions { Timeout = TimeSpan.FromMinutes(2), Output = output },
            cancellationToken);

    /// <summary>The one line on stderr (failing if there are more), with no stack trace on stdout either.</summary>
    public static string SingleErrorLine(CommandResult result)
    {
        var lines = result.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(lines.Length == 1, $"expected one line on stderr:{Environment.NewLine}{result.Describe()}");
        Assert.DoesNotContain(" at ", result.StandardOutput, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", result.StandardOutput + result.StandardError, StringComparison.Ordinal);
        return lines[0];
    }
}
