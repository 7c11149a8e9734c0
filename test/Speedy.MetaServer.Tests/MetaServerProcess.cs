using Speedy.Testing;

namespace Speedy.MetaServer.Tests;

/// <summary>
/// A real <c>speedy metaserver</c> process on a free loopback port, ready once <c>GET /health</c> answers 200; its
/// output goes to the test output when it is disposed.
/// </summary>
public static class MetaServerProcess
{
    /// <summary>Starts <c>speedy metaserver --listen 127.0.0.1:PORT</c> with <paramref name="arguments"/>, retrying on another port if one was taken.</summary>
    public static Task<SpeedyProcess> StartAsync(string[] arguments, CancellationToken cancellationToken) =>
        StartAsync(arguments, environment: null, cancellationToken);

    /// <summary>Like <see cref="StartAsync(string[], CancellationToken)"/>, with <c>SPEEDY_</c> variables for the child.</summary>
    public static Task<SpeedyProcess> StartAsync(
        string[] arguments, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken) =>
        SpeedyProcess.StartRoleAsync("metaserver", arguments, environment, WriteTestOutput, cancellationToken);

    /// <summary>Runs <c>speedy metaserver</c> with exactly <paramref name="arguments"/> to its exit (within 30 s); its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunToExitAsync(string[] arguments, CancellationToken cancellationToken) =>
        SpeedyProcess.RunToExitAsync(["metaserver", .. arguments], WriteTestOutput, cancellationToken);

    private static void WriteTestOutput(string text) => TestContext.Current.TestOutputHelper?.WriteLine(text);
}
