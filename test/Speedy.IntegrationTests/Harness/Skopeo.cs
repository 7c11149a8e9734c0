namespace Speedy.IntegrationTests.Harness;

/// <summary>The real `skopeo` client. Signature policy is off (`--insecure-policy`) so the host's policy.json does not matter.</summary>
public static class Skopeo
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(4);

    public static Task<CommandResult> RunAsync(
        IEnumerable<string> arguments, ITestOutputHelper output, CancellationToken cancellationToken) =>
        ExternalCommand.RunAsync(
            "skopeo",
            ["--insecure-policy", .. arguments],
            new CommandOptions { Output = output, Timeout = s_timeout },
            cancellationToken);

    /// <summary>`skopeo copy` that must succeed.</summary>
    public static async Task CopyAsync(
        string source, string destination, ITestOutputHelper output, CancellationToken cancellationToken, params string[] options) =>
        (await RunAsync(["copy", .. options, source, destination], output, cancellationToken)).EnsureSuccess();
}
