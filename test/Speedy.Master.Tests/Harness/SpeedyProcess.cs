using System.Diagnostics;
using System.Net;
using System.Text;

namespace Speedy.Master.Tests.Harness;

/// <summary>
/// A real <c>speedy ROLE</c> process (<c>dotnet speedy.dll ROLE …</c>, the build the project reference puts next to
/// the tests) on a free loopback port, ready once <c>GET /health</c> answers 200. <see cref="Kill"/> sends SIGKILL.
/// </summary>
public sealed class SpeedyProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _role;
    private readonly StringBuilder _output = new();

    private SpeedyProcess(Process process, string role, Uri address)
    {
        _process = process;
        _role = role;
        Address = address;
    }

    public Uri Address { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    private static string DllPath => Path.Combine(AppContext.BaseDirectory, "speedy.dll");

    private static string DotnetHost =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>Starts <c>speedy ROLE --listen 127.0.0.1:PORT</c> with <paramref name="arguments"/> and the <c>SPEEDY_</c> variables in <paramref name="environment"/>.</summary>
    public static async Task<SpeedyProcess> StartAsync(string role, string[] arguments, IReadOnlyDictionary<string, string> environment, CancellationToken cancellationToken)
    {
        Assert.True(File.Exists(DllPath), $"{DllPath} is missing: the test project references src/Speedy.Cli, so a build puts it there");
        var port = FreePort.Next();
        var start = new ProcessStartInfo(DotnetHost)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[DllPath, role, "--listen", $"127.0.0.1:{port}", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var variable in start.Environment.Keys.ToList())
        {
            if (variable.StartsWith("SPEEDY_", StringComparison.Ordinal) || variable.StartsWith("ASPNETCORE_", StringComparison.Ordinal))
            {
                start.Environment.Remove(variable);
            }
        }

        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var server = new SpeedyProcess(process, role, new Uri($"http://127.0.0.1:{port}/"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    /// <summary>Runs <c>speedy</c> with exactly <paramref name="arguments"/> to its exit (within 30 s); its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(DotnetHost) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in (string[])[DllPath, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!; // Process.Start with a ProcessStartInfo returns null only for shell reuse, which is off.
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(limit.Token);
        var stderr = process.StandardError.ReadToEndAsync(limit.Token);
        await process.WaitForExitAsync(limit.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    /// <summary>SIGKILL on Linux (Process.Kill): no handler runs, no goodbye is sent.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                Kill();
            }

            using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (InvalidOperationException)
        {
            // Never started, or already gone.
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"--- output of speedy {_role} on {Address} ---{Environment.NewLine}{Output}");
            _process.Dispose();
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        using var client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var stopwatch = Stopwatch.StartNew();
        var last = "no answer yet";
        while (stopwatch.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"speedy {_role} exited with {_process.ExitCode} before answering /health:{Environment.NewLine}{Output}");
            }

            try
            {
                using var response = await client.GetAsync("health", cancellationToken);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }

                last = $"HTTP {(int)response.StatusCode}";
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                last = "timed out";
            }

            await Task.Delay(50, cancellationToken);
        }

        throw new InvalidOperationException($"speedy {_role} did not answer /health within 30 s (last: {last}):{Environment.NewLine}{Output}");
    }
}
