using System.Diagnostics;
using System.Net;

namespace Speedy.IntegrationTests.Harness;

/// <summary>
/// A real `speedy` process (`dotnet speedy.dll ...`) started next to the tests. It is ready once
/// `GET /v2/` answers 200; its output goes to the test output when it is disposed, which kills its process tree.
/// </summary>
public sealed class SpeedyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ProcessOutput _output;
    private readonly ITestOutputHelper _testOutput;
    private readonly string _name;
    private bool _disposed;

    private SpeedyProcess(Process process, ProcessOutput output, ITestOutputHelper testOutput, string name, SpeedyStartInfo startInfo)
    {
        _process = process;
        _output = output;
        _testOutput = testOutput;
        _name = name;
        StartInfo = startInfo;
        var scheme = startInfo.TlsCertificate is null ? "http" : "https";
        BaseAddress = new Uri($"{scheme}://127.0.0.1:{startInfo.Port}/");
    }

    /// <summary>The path of the built `speedy` executable, copied next to the tests by the project reference.</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "speedy.dll");

    public SpeedyStartInfo StartInfo { get; }

    public int Port => StartInfo.Port;

    /// <summary>`127.0.0.1:port`, the registry host in image references.</summary>
    public string Authority => $"127.0.0.1:{Port}";

    public Uri BaseAddress { get; }

    /// <summary>Everything the process printed so far.</summary>
    public string Output => _output.ToString();

    public HttpClient CreateClient(Version? version = null) =>
        RegistryHttpClient.Create(BaseAddress, StartInfo.TlsCertificate, version);

    /// <summary>`speedy registry --listen 127.0.0.1:PORT --data DIR --storage filesystem` on a free port.</summary>
    public static Task<SpeedyProcess> StartRegistryAsync(
        string dataDirectory, ITestOutputHelper output, CancellationToken cancellationToken, SelfSignedCertificate? tls = null) =>
        StartOnFreePortAsync("registry", ["--data", dataDirectory, "--storage", "filesystem"], tls, output, cancellationToken);

    /// <summary>`speedy server --listen 127.0.0.1:PORT --data DIR` (all roles in one process) on a free port.</summary>
    public static Task<SpeedyProcess> StartServerAsync(
        string dataDirectory, ITestOutputHelper output, CancellationToken cancellationToken) =>
        StartOnFreePortAsync("server", ["--data", dataDirectory], tls: null, output, cancellationToken);

    private static async Task<SpeedyProcess> StartOnFreePortAsync(
        string role, string[] arguments, SelfSignedCertificate? tls, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        string[] tlsArguments = tls is null ? [] : ["--tls-cert", tls.CertificatePath, "--tls-key", tls.KeyPath];
        // Binding port 0 and closing it leaves a short race with other processes; try a new port if we lost it.
        const int Attempts = 3;
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var startInfo = new SpeedyStartInfo
            {
                Arguments = [role, "--listen", $"127.0.0.1:{port}", .. arguments, .. tlsArguments],
                Port = port,
                TlsCertificate = tls?.Certificate,
            };
            try
            {
                return await StartAsync(startInfo, output, cancellationToken);
            }
            catch (SpeedyStartException e) when (attempt < Attempts && e.AddressInUse)
            {
                output.WriteLine($"Port {port} was taken before speedy bound it; retrying on another port.");
            }
        }
    }

    public static async Task<SpeedyProcess> StartAsync(
        SpeedyStartInfo startInfo, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        if (!File.Exists(DllPath))
        {
            throw new FileNotFoundException(
                $"{DllPath} is missing: the test project references src/Speedy.Cli, so a build should put it there.", DllPath);
        }

        var processStartInfo = new ProcessStartInfo(DotnetHost)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = startInfo.WorkingDirectory ?? AppContext.BaseDirectory,
        };
        processStartInfo.ArgumentList.Add(DllPath);
        foreach (var argument in startInfo.Arguments)
        {
            processStartInfo.ArgumentList.Add(argument);
        }

        // The child sees only the configuration the test gives it.
        foreach (var variable in processStartInfo.Environment.Keys.ToList())
        {
            if (variable.StartsWith("SPEEDY_", StringComparison.Ordinal) || variable.StartsWith("ASPNETCORE_", StringComparison.Ordinal))
            {
                processStartInfo.Environment.Remove(variable);
            }
        }

        foreach (var (variable, value) in startInfo.Environment)
        {
            processStartInfo.Environment[variable] = value;
        }

        var name = $"speedy {string.Join(' ', startInfo.Arguments)}";
        var processOutput = new ProcessOutput();
        var process = new Process { StartInfo = processStartInfo, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => processOutput.Append("out", e.Data);
        process.ErrorDataReceived += (_, e) => processOutput.Append("err", e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var speedy = new SpeedyProcess(process, processOutput, output, name, startInfo);
        try
        {
            await speedy.WaitUntilReadyAsync(cancellationToken);
        }
        catch
        {
            await speedy.DisposeAsync();
            throw;
        }

        return speedy;
    }

    /// <summary>The `dotnet` host that runs the tests (DOTNET_HOST_PATH), or `dotnet` from PATH.</summary>
    public static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = CreateClient();
        client.Timeout = TimeSpan.FromSeconds(10);
        var stopwatch = Stopwatch.StartNew();
        var lastProblem = "no answer yet";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                // Let the output readers drain what the process printed before it died.
                await _process.WaitForExitAsync(cancellationToken);
                var text = Output;
                throw new SpeedyStartException(
                    $"`{_name}` exited with code {_process.ExitCode} before GET {BaseAddress}v2/ answered 200.{Environment.NewLine}" +
                    $"--- process output ---{Environment.NewLine}{text}",
                    addressInUse: text.Contains("address already in use", StringComparison.OrdinalIgnoreCase));
            }

            if (stopwatch.Elapsed > StartInfo.ReadyTimeout)
            {
                throw new SpeedyStartException(
                    $"`{_name}` did not answer GET {BaseAddress}v2/ with 200 within {StartInfo.ReadyTimeout} (last: {lastProblem}).{Environment.NewLine}" +
                    $"--- process output ---{Environment.NewLine}{Output}",
                    addressInUse: false);
            }

            try
            {
                using var response = await client.GetAsync("v2/", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                lastProblem = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                lastProblem = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                lastProblem = "request timed out";
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (OperationCanceledException)
        {
            _output.Append("harness", "the process did not exit within 30 s of being killed");
        }
        finally
        {
            try
            {
                _testOutput.WriteLine($"--- output of `{_name}` ---{Environment.NewLine}{Output}");
            }
            catch (InvalidOperationException)
            {
                // The test has already finished; xUnit no longer accepts output for it.
            }

            _process.Dispose();
        }
    }
}
