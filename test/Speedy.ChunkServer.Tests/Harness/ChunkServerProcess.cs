using Speedy.Testing;

namespace Speedy.ChunkServer.Tests.Harness;

/// <summary>
/// A real <c>speedy chunkserver</c> process on a free loopback port, ready once <c>GET /health</c> answers 200; its
/// output goes to the test output when it is disposed.
/// </summary>
public static class ChunkServerProcess
{
    /// <summary>Starts <c>speedy chunkserver --listen 127.0.0.1:PORT</c> with <paramref name="arguments"/>, retrying on another port if one was taken.</summary>
    public static Task<SpeedyProcess> StartAsync(string[] arguments, CancellationToken cancellationToken) =>
        SpeedyProcess.StartRoleAsync("chunkserver", arguments, environment: null, WriteTestOutput, cancellationToken);

    /// <summary>Runs <c>speedy chunkserver</c> with exactly <paramref name="arguments"/> to its exit (within 30 s); its exit code and output.</summary>
    public static Task<(int ExitCode, string Output)> RunToExitAsync(string[] arguments, CancellationToken cancellationToken) =>
        SpeedyProcess.RunToExitAsync(["chunkserver", .. arguments], WriteTestOutput, cancellationToken);

    private static void WriteTestOutput(string text) => TestContext.Current.TestOutputHelper?.WriteLine(text);
}
