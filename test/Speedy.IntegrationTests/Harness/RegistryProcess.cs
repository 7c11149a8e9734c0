using System.Net;
using Speedy.Testing;

namespace Speedy.IntegrationTests.Harness;

/// <summary>
/// A real `speedy` process serving the registry API (`speedy registry` or `speedy server`), started next to the tests.
/// It is ready once `GET /v2/` answers 200; its output goes to the test output when it is disposed, which kills its
/// process tree.
/// </summary>
public sealed class RegistryProcess : IAsyncDisposable
{
    private readonly SpeedyProcess _process;

    private RegistryProcess(SpeedyProcess process, SpeedyStartInfo startInfo)
    {
        _process = process;
        StartInfo = startInfo;
        BaseAddress = BaseAddressOf(startInfo);
    }

    public SpeedyStartInfo StartInfo { get; }

    public int Port => StartInfo.Port;

    /// <summary>`127.0.0.1:port`, the registry host in image references.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    public Uri BaseAddress { get; }

    /// <summary>Everything the process printed so far.</summary>
    public string Output => _process.Output;

    public HttpClient CreateClient(Version? version = null) =>
        RegistryHttpClient.Create(BaseAddress, StartInfo.TlsCertificate, version);

    /// <summary>`speedy registry --listen 127.0.0.1:PORT --data DIR --storage filesystem` on a free port.</summary>
    public static Task<RegistryProcess> StartRegistryAsync(
        string dataDirectory, ITestOutputHelper output, CancellationToken cancellationToken, SelfSignedCertificate? tls = null) =>
        StartOnFreePortAsync("registry", ["--data", dataDirectory, "--storage", "filesystem"], tls, output, cancellationToken);

    /// <summary>
    /// `speedy registry` on the filesystem driver with authentication on (<paramref name="authArguments"/>, e.g.
    /// `--auth htpasswd --htpasswd FILE`): ready when `GET /v2/` asks for credentials.
    /// </summary>
    public static Task<RegistryProcess> StartAuthenticatedRegistryAsync(
        string dataDirectory, string[] authArguments, ITestOutputHelper output, CancellationToken cancellationToken) =>
        StartOnFreePortAsync("registry", ["--data", dataDirectory, "--storage", "filesystem", .. authArguments], tls: null, output, cancellationToken, HttpStatusCode.Unauthorized);

    /// <summary>`speedy server --listen 127.0.0.1:PORT --data DIR --auth none` (all roles in one process) on a free port.</summary>
    public static Task<RegistryProcess> StartServerAsync(
        string dataDirectory, ITestOutputHelper output, CancellationToken cancellationToken) =>
        StartOnFreePortAsync("server", ["--data", dataDirectory, "--volume-size", "67108864", "--auth", "none"], tls: null, output, cancellationToken);

    public static async Task<RegistryProcess> StartAsync(
        SpeedyStartInfo startInfo, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        var baseAddress = BaseAddressOf(startInfo);
        var process = await SpeedyProcess.StartAsync(
            new SpeedyProcessStartInfo
            {
                Arguments = startInfo.Arguments,
                Environment = startInfo.Environment,
                WorkingDirectory = startInfo.WorkingDirectory,
                Address = baseAddress,
                Readiness = new ReadinessProbe
                {
                    Url = new Uri(baseAddress, "v2/"),
                    Status = startInfo.ReadyStatus,
                    Timeout = startInfo.ReadyTimeout,
                    RequestTimeout = TimeSpan.FromSeconds(10),
                    Interval = TimeSpan.FromMilliseconds(100),
                    CreateClient = () => RegistryHttpClient.Create(baseAddress, startInfo.TlsCertificate, version: null),
                },
                Log = output.WriteLine,
            },
            cancellationToken);
        return new RegistryProcess(process, startInfo);
    }

    /// <summary>SIGTERM, as a service manager stops it, and waits (up to 30 s) for its exit code.</summary>
    public async Task<int> StopAsync(CancellationToken cancellationToken)
    {
        _process.Terminate();
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        wait.CancelAfter(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(wait.Token);
        return _process.ExitCode;
    }

    public ValueTask DisposeAsync() => _process.DisposeAsync();

    private static Task<RegistryProcess> StartOnFreePortAsync(
        string role, string[] arguments, SelfSignedCertificate? tls, ITestOutputHelper output, CancellationToken cancellationToken, HttpStatusCode readyStatus = HttpStatusCode.OK)
    {
        string[] tlsArguments = tls is null ? [] : ["--tls-cert", tls.CertificatePath, "--tls-key", tls.KeyPath];
        return FreePort.StartOnFreePortAsync(
            port => StartAsync(
                new SpeedyStartInfo
                {
                    Arguments = [role, "--listen", $"127.0.0.1:{port}", .. arguments, .. tlsArguments],
                    Port = port,
                    TlsCertificate = tls?.Certificate,
                    ReadyStatus = readyStatus,
                },
                output,
                cancellationToken),
            output.WriteLine);
    }

    private static Uri BaseAddressOf(SpeedyStartInfo startInfo)
    {
        var scheme = startInfo.TlsCertificate is null ? "http" : "https";
        return new Uri($"{scheme}://127.0.0.1:{startInfo.Port}/");
    }
}
