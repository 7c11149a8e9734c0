using System.Diagnostics;
using System.Globalization;

namespace Speedy.Testing;

/// <summary>
/// A real <c>speedy</c> process (<c>dotnet speedy.dll …</c>, the build a project reference to src/Speedy.Cli puts next
/// to the tests). It captures stdout and stderr; disposing it kills its process tree and logs its output.
/// <see cref="Kill"/> sends SIGKILL: no handler runs, nothing is flushed.
/// </summary>
public sealed class SpeedyProcess : IAsyncDisposable
{
    private static readonly TimeSpan s_exitWait = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly ProcessOutput _output = new();
    private readonly Action<string>? _log;
    private bool _disposed;

    private SpeedyProcess(Process process, SpeedyProcessStartInfo startInfo)
    {
        _process = process;
        _log = startInfo.Log;
        Address = startInfo.Address;
        Name = $"speedy {string.Join(' ', startInfo.Arguments)}";
    }

    /// <summary>The path of the built <c>speedy</c> executable, copied next to the tests by the project reference.</summary>
    public static string DllPath => Path.Combine(AppContext.BaseDirectory, "speedy.dll");

    /// <summary>The <c>dotnet</c> host that runs the tests (DOTNET_HOST_PATH), or <c>dotnet</c> from PATH.</summary>
    public static string DotnetHost =>
        System.Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary><c>speedy ARGUMENTS</c>, for messages.</summary>
    public string Name { get; }

    /// <summary>Where the process listens, as given in its start info.</summary>
    public Uri Address { get; }

    /// <summary>Everything the process printed so far, each line tagged <c>[out]</c> or <c>[err]</c>.</summary>
    public string Output => _output.ToString();

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts the process without waiting for it to be ready.</summary>
    public static SpeedyProcess Start(SpeedyProcessStartInfo startInfo)
    {
        ArgumentNullException.ThrowIfNull(startInfo);
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

        foreach (var (variable, value) in startInfo.Environment ?? new Dictionary<string, string>())
        {
            processStartInfo.Environment[variable] = value;
        }

        var process = new Process { StartInfo = processStartInfo, EnableRaisingEvents = true };
        var speedy = new SpeedyProcess(process, startInfo);
        process.OutputDataReceived += (_, e) => speedy._output.Append("out", e.Data);
        process.ErrorDataReceived += (_, e) => speedy._output.Append("err", e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return speedy;
    }

    /// <summary>Starts the process and waits until its readiness probe passes; on failure the process is disposed and a <see cref="SpeedyStartException"/> says why.</summary>
    public static async Task<SpeedyProcess> StartAsync(SpeedyProcessStartInfo startInfo, CancellationToken cancellationToken)
    {
        var speedy = Start(startInfo);
        if (startInfo.Readiness is null)
        {
            return speedy;
        }

        try
        {
            await speedy.WaitUntilReadyAsync(startInfo.Readiness, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await speedy.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return speedy;
    }

    /// <summary>
    /// Starts <c>speedy ROLE --listen 127.0.0.1:PORT ARGUMENTS</c> on a free loopback port (another one if it was
    /// taken), ready once <c>GET /health</c> answers 200 within 30 s.
    /// </summary>
    public static Task<SpeedyProcess> StartRoleAsync(
        string role, IReadOnlyList<string> arguments, IReadOnlyDictionary<string, string>? environment, Action<string>? log,
        CancellationToken cancellationToken) =>
        FreePort.StartOnFreePortAsync(
            port =>
            {
                var address = new Uri($"http://127.0.0.1:{port}/");
                return StartAsync(
                    new SpeedyProcessStartInfo
                    {
                        Arguments = [role, "--listen", $"127.0.0.1:{port}", .. arguments],
                        Environment = environment,
                        Address = address,
                        Readiness = new ReadinessProbe { Url = new Uri(address, "health") },
                        Log = log,
                    },
                    cancellationToken);
            });

    /// <summary>Runs <c>speedy</c> with exactly <paramref name="arguments"/> to its exit (within 30 s); its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(
        IReadOnlyList<string> arguments, Action<string>? log, CancellationToken cancellationToken)
    {
        var speedy = Start(new SpeedyProcessStartInfo { Arguments = arguments, Log = log });
        await using (speedy.ConfigureAwait(false))
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(s_exitWait);
            await speedy._process.WaitForExitAsync(limit.Token).ConfigureAwait(false);
            return (speedy.ExitCode, speedy.Output);
        }
    }

    /// <summary>Polls <paramref name="probe"/> until it passes; throws <see cref="SpeedyStartException"/> with the output if the process exits or the time runs out first.</summary>
    public async Task WaitUntilReadyAsync(ReadinessProbe probe, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(probe);
        using var client = probe.CreateClient?.Invoke() ?? new HttpClient();
        client.Timeout = probe.RequestTimeout;
        var expected = $"GET {probe.Url} answered {(int)probe.Status}";
        var stopwatch = Stopwatch.StartNew();
        var lastProblem = "no answer yet";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                // Let the output readers drain what the process printed before it died.
                await _process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
                var text = Output;
                throw new SpeedyStartException(
                    $"`{Name}` exited with code {_process.ExitCode} before {expected}.{System.Environment.NewLine}" +
                    $"--- process output ---{System.Environment.NewLine}{text}",
                    addressInUse: text.Contains("address already in use", StringComparison.OrdinalIgnoreCase));
            }

            if (stopwatch.Elapsed > probe.Timeout)
            {
                throw new SpeedyStartException(
                    $"`{Name}` did not answer as expected ({expected}) within {probe.Timeout} (last: {lastProblem}).{System.Environment.NewLine}" +
                    $"--- process output ---{System.Environment.NewLine}{Output}",
                    addressInUse: false);
            }

            try
            {
                using var response = await client.GetAsync(probe.Url, cancellationToken).ConfigureAwait(false);
                if (response.StatusCode == probe.Status)
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

            await Task.Delay(probe.Interval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>SIGKILL on Linux (Process.Kill), to the whole process tree.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    /// <summary>Kills the process tree at once (SIGKILL) and waits (up to 30 s) until it is gone.</summary>
    public async Task KillAsync()
    {
        Kill();
        using var wait = new CancellationTokenSource(s_exitWait);
        await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
    }

    /// <summary>SIGTERM: the way a service manager stops the process.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

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
                Kill();
            }

            using var wait = new CancellationTokenSource(s_exitWait);
            await _process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        catch (OperationCanceledException)
        {
            _output.Append("harness", "the process did not exit within 30 s of being killed");
        }
        finally
        {
            try
            {
                _log?.Invoke($"--- output of `{Name}` ---{System.Environment.NewLine}{Output}");
            }
            catch (InvalidOperationException)
            {
                // The test has already finished; the test framework no longer accepts output for it.
            }

            _process.Dispose();
        }
    }
}
