namespace Speedy.IntegrationTests.Harness;

/// <summary>
/// The real docker CLI with a private client configuration (<c>DOCKER_CONFIG</c>): its own stored logins, no context,
/// no engine. <c>docker login</c> falls back to signing in from the client when no engine answers, and
/// <c>docker manifest inspect</c> reads from the registry directly, with the stored login.
/// </summary>
public sealed class DockerClient(string configDirectory, ITestOutputHelper output)
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    /// <summary><c>docker login HOST --username USER --password-stdin</c>, the secret on standard input.</summary>
    public Task<CommandResult> LoginAsync(string host, string user, string secret, CancellationToken cancellationToken) =>
        RunAsync(["login", host, "--username", user, "--password-stdin"], cancellationToken, secret);

    public Task<CommandResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken, string? standardInput = null) =>
        ExternalCommand.RunAsync(
            "docker",
            arguments,
            new CommandOptions
            {
                Output = output,
                Timeout = s_timeout,
                StandardInput = standardInput,
                Environment = new Dictionary<string, string?>
                {
                    ["DOCKER_CONFIG"] = Directory.CreateDirectory(configDirectory).FullName,
                    ["DOCKER_HOST"] = null,
                    ["DOCKER_CONTEXT"] = null,
                },
            },
            cancellationToken);
}
