using Speedy.Testing;

namespace Speedy.IntegrationTests.Harness;

/// <summary>
/// The real `podman` with a private image store in a test directory: root's `vfs` driver (no overlay or FUSE
/// needed), its own run root and temp dir, cgroupfs and file events (no systemd here). Only image commands
/// (pull, push, tag, inspect, mount) are used: nothing runs inside a container.
/// </summary>
public sealed class PodmanStore(string directory, ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(4);

    // podman refuses a run root longer than 50 characters, so it gets a short directory of its own.
    private readonly TempDirectory _runRoot = TempDirectory.CreateShort("pm");

    /// <param name="standardInput">Written to podman's standard input (a password for <c>login --password-stdin</c>).</param>
    public Task<CommandResult> RunAsync(IEnumerable<string> arguments, CancellationToken cancellationToken, string? standardInput = null) =>
        ExternalCommand.RunAsync(
            "podman",
            [
                "--root", Path.Combine(directory, "root"),
                "--runroot", _runRoot.Path,
                "--tmpdir", Path.Combine(directory, "tmp"),
                "--storage-driver", "vfs",
                "--cgroup-manager", "cgroupfs",
                "--events-backend", "file",
                .. arguments,
            ],
            new CommandOptions
            {
                Output = output,
                Timeout = s_timeout,
                StandardInput = standardInput,
                // Keep podman away from the user's and the host's per-user state.
                Environment = new Dictionary<string, string?>
                {
                    ["XDG_RUNTIME_DIR"] = Directory.CreateDirectory(Path.Combine(directory, "xdg-run")).FullName,
                    ["XDG_CONFIG_HOME"] = Directory.CreateDirectory(Path.Combine(directory, "xdg-config")).FullName,
                    ["XDG_DATA_HOME"] = Directory.CreateDirectory(Path.Combine(directory, "xdg-data")).FullName,
                },
            },
            cancellationToken);

    public async Task<string> RunCheckedAsync(IEnumerable<string> arguments, CancellationToken cancellationToken, string? standardInput = null) =>
        (await RunAsync(arguments, cancellationToken, standardInput)).EnsureSuccess().StandardOutput.Trim();

    public void Dispose() => _runRoot.Dispose();
}
