using System.Text;
using Speedy.Testing;

namespace Speedy.IntegrationTests.Cluster;

/// <summary>
/// One role of the cluster as a real <c>speedy ROLE --listen 127.0.0.1:PORT ARGUMENTS</c> process that can be
/// SIGKILLed and started again with the same arguments on the same port (a chunk server also keeps its directory and
/// group). The first start takes a free port; every later one reuses it. Its output is kept across restarts.
/// </summary>
public sealed class ClusterNode : IAsyncDisposable
{
    private const int RestartAttempts = 5;
    private static readonly TimeSpan s_readyTimeout = TimeSpan.FromSeconds(60);

    private readonly Lock _lock = new();
    private readonly StringBuilder _pastOutput = new();
    private readonly IReadOnlyList<string> _arguments;
    private readonly IReadOnlyDictionary<string, string>? _environment;
    private readonly string _readinessPath;
    private readonly IReadOnlyList<string> _firstStartArguments;
    private SpeedyProcess? _process;

    /// <param name="name">How the node is named in messages, e.g. <c>chunkserver g1-2</c>.</param>
    /// <param name="role">The <c>speedy</c> subcommand.</param>
    /// <param name="arguments">Everything after <c>--listen 127.0.0.1:PORT</c>.</param>
    /// <param name="environment">Variables for the process (on top of the inherited ones, less SPEEDY_*).</param>
    /// <param name="readinessPath">The path that answers 200 once the process serves: <c>health</c> or <c>v2/</c>.</param>
    /// <param name="firstStartArguments">Added to the first start only (a replacement's <c>--replace URL</c>, say).</param>
    public ClusterNode(
        string name,
        string role,
        IReadOnlyList<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null,
        string readinessPath = "health",
        IReadOnlyList<string>? firstStartArguments = null)
    {
        Name = name;
        Role = role;
        _arguments = arguments;
        _environment = environment;
        _readinessPath = readinessPath;
        _firstStartArguments = firstStartArguments ?? [];
    }

    public string Name { get; }

    public string Role { get; }

    /// <summary>The chunk server's group; 0 for the other roles.</summary>
    public uint Group { get; init; }

    /// <summary>The chunk server's volume directory; null for the other roles.</summary>
    public string? VolumeDirectory { get; init; }

    /// <summary>The loopback port, fixed by the first start; 0 before it.</summary>
    public int Port { get; private set; }

    /// <summary><c>http://127.0.0.1:PORT</c>, without a trailing slash: the form a chunk server reports itself by.</summary>
    public string Url => $"http://127.0.0.1:{Port}";

    public Uri BaseAddress => new($"{Url}/");

    /// <summary><c>127.0.0.1:PORT</c>, the registry host in image references.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    /// <summary>How many times the process was started successfully.</summary>
    public int Starts { get; private set; }

    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Everything every incarnation of the process printed so far.</summary>
    public string Output
    {
        get
        {
            lock (_lock)
            {
                return _pastOutput.ToString() + (_process?.Output ?? "");
            }
        }
    }

    /// <summary>
    /// Starts the process and waits until it answers; the first time on a free port, afterwards on the same port (a
    /// port the kernel still holds is retried a few times). Throws <see cref="SpeedyStartException"/> with its output.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (IsRunning)
        {
            throw new InvalidOperationException($"{Name} is already running.");
        }

        await ForgetExitedProcessAsync();
        SpeedyProcess process;
        if (Port == 0)
        {
            process = await FreePort.StartOnFreePortAsync(port => StartOnAsync(port, cancellationToken));
        }
        else
        {
            process = await RestartOnSamePortAsync(cancellationToken);
        }

        lock (_lock)
        {
            _process = process;
            Port = process.Address.Port;
            Starts++;
        }
    }

    /// <summary>SIGKILL (no handler runs, nothing is flushed) and wait until the process is gone.</summary>
    public async Task KillAsync()
    {
        if (_process is null)
        {
            return;
        }

        await _process.KillAsync();
        await ForgetExitedProcessAsync();
    }

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    public override string ToString() => Port == 0 ? Name : $"{Name} ({Url})";

    private async Task<SpeedyProcess> RestartOnSamePortAsync(CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnAsync(Port, cancellationToken);
            }
            catch (SpeedyStartException e) when (e.AddressInUse && attempt < RestartAttempts)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private Task<SpeedyProcess> StartOnAsync(int port, CancellationToken cancellationToken)
    {
        var address = new Uri($"http://127.0.0.1:{port}/");
        return SpeedyProcess.StartAsync(
            new SpeedyProcessStartInfo
            {
                Arguments = [Role, "--listen", $"127.0.0.1:{port}", .. _arguments, .. Starts == 0 ? _firstStartArguments : []],
                Environment = _environment,
                Address = address,
                Readiness = new ReadinessProbe
                {
                    Url = new Uri(address, _readinessPath),
                    Timeout = s_readyTimeout,
                    Interval = TimeSpan.FromMilliseconds(100),
                },
            },
            cancellationToken);
    }

    /// <summary>Keeps the output of a process that is gone and drops it, so the next start begins afresh.</summary>
    private async Task ForgetExitedProcessAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }

        // Disposing kills a process that is still running and waits for it; the exit code is gone after that.
        var exit = process.HasExited ? $"exited with code {process.ExitCode}" : "was stopped by the harness";
        await process.DisposeAsync();
        lock (_lock)
        {
            _pastOutput.Append(process.Output).Append("[harness] ").Append(Name).Append(' ').AppendLine(exit);
            _process = null;
        }
    }
}
