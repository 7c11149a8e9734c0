using System.Diagnostics;
using System.Text.RegularExpressions;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests.AllInOne;

/// <summary>
/// A real <c>speedy server</c> process on a free loopback port, ready once <c>GET /v2/</c> answers (200; 401 with token auth). It reads the
/// line in which the server names its internal roles (master, meta server, image server, chunk servers), so tests can
/// look at the store behind the registry. Disposing it kills the process tree.
/// </summary>
public sealed partial class AllInOneServer : IAsyncDisposable
{
    /// <summary>Small volumes: every chunk server preallocates two, and the default (1 GiB) is a lot of disk for a test.</summary>
    public const string TestVolumeSize = "67108864";

    private static readonly TimeSpan s_lineWait = TimeSpan.FromSeconds(10);

    private readonly SpeedyProcess _process;

    private AllInOneServer(SpeedyProcess process, int port)
    {
        _process = process;
        Port = port;
        BaseAddress = new Uri($"http://127.0.0.1:{port}/");
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, the registry host in image references.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    public Uri BaseAddress { get; }

    public string Output => _process.Output;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The master's base URL, from the server's description of its store.</summary>
    public Uri MasterUrl { get; private set; } = null!; // Set by StartAsync.

    public Uri MetaServerUrl { get; private set; } = null!; // Set by StartAsync.

    public Uri ImageServerUrl { get; private set; } = null!; // Set by StartAsync.

    /// <summary>Every chunk server's URL and group, as the server described them.</summary>
    public IReadOnlyList<(Uri Url, uint Group)> ChunkServers { get; private set; } = [];

    /// <summary>
    /// <c>speedy server --listen 127.0.0.1:PORT --data DATA --volume-size 64MiB --auth AUTH ARGUMENTS</c> on a free port (another
    /// one if it was taken meanwhile).
    /// </summary>
    /// <param name="environment">Variables for the process (inherited <c>SPEEDY_*</c> ones are removed).</param>
    /// <param name="auth"><c>none</c> (ready once <c>GET /v2/</c> answers 200) or <c>token</c>, the built-in index (ready once it answers 401).</param>
    public static Task<AllInOneServer> StartAsync(
        string data,
        IReadOnlyList<string> arguments,
        ITestOutputHelper output,
        CancellationToken cancellationToken,
        IReadOnlyDictionary<string, string>? environment = null,
        string auth = "none") =>
        FreePort.StartOnFreePortAsync(
            async port =>
            {
                var address = new Uri($"http://127.0.0.1:{port}/");
                var process = await SpeedyProcess.StartAsync(
                    new SpeedyProcessStartInfo
                    {
                        Arguments = ["server", "--listen", $"127.0.0.1:{port}", "--data", data, "--volume-size", TestVolumeSize, "--auth", auth, .. arguments],
                        Environment = environment,
                        Address = address,
                        Readiness = new ReadinessProbe
                        {
                            Url = new Uri(address, "v2/"),
                            Status = auth == "none" ? System.Net.HttpStatusCode.OK : System.Net.HttpStatusCode.Unauthorized,
                            Timeout = TimeSpan.FromSeconds(90),
                            RequestTimeout = TimeSpan.FromSeconds(10),
                            Interval = TimeSpan.FromMilliseconds(100),
                        },
                        Log = output.WriteLine,
                    },
                    cancellationToken);
                var server = new AllInOneServer(process, port);
                try
                {
                    await server.ReadStoreLineAsync(cancellationToken);
                }
                catch
                {
                    await server.DisposeAsync();
                    throw;
                }

                return server;
            },
            output.WriteLine);

    public HttpClient CreateClient() => RegistryHttpClient.Create(BaseAddress);

    /// <summary>SIGTERM, then waits (up to a minute) for the process to exit; its exit code.</summary>
    public async Task<int> TerminateAsync(CancellationToken cancellationToken)
    {
        _process.Terminate();
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromMinutes(1));
        await _process.WaitForExitAsync(limit.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGKILL: nothing is flushed or closed.</summary>
    public Task KillAsync() => _process.KillAsync();

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    /// <summary>The line "store of N chunk server(s) in G group(s) of R: URL (group g), …; master URL, meta server URL, image server URL".</summary>
    private async Task ReadStoreLineAsync(CancellationToken cancellationToken)
    {
        // The registry answers as soon as it listens; the line follows at once, but the output reader may lag.
        var stopwatch = Stopwatch.StartNew();
        while (true)
        {
            var match = StoreLine().Match(_process.Output);
            if (match.Success)
            {
                MasterUrl = new Uri(match.Groups["master"].Value);
                MetaServerUrl = new Uri(match.Groups["meta"].Value);
                ImageServerUrl = new Uri(match.Groups["image"].Value);
                var servers = new List<(Uri, uint)>();
                foreach (Match server in ChunkServer().Matches(match.Groups["servers"].Value))
                {
                    servers.Add((new Uri(server.Groups["url"].Value), uint.Parse(server.Groups["group"].Value, System.Globalization.CultureInfo.InvariantCulture)));
                }

                ChunkServers = servers;
                return;
            }

            Assert.True(stopwatch.Elapsed < s_lineWait, $"`speedy server` never described its store:{Environment.NewLine}{_process.Output}");
            await Task.Delay(50, cancellationToken);
        }
    }

    [GeneratedRegex(@"store of \d+ chunk server\(s\) in \d+ group\(s\) of \d+: (?<servers>[^;]*); master (?<master>\S+), meta server (?<meta>\S+), image server (?<image>\S+)")]
    private static partial Regex StoreLine();

    [GeneratedRegex(@"(?<url>http://[0-9.:]+) \(group (?<group>\d+)\)")]
    private static partial Regex ChunkServer();
}
