using System.Diagnostics;
using System.Net;
using System.Text;

namespace Speedy.MetaServer.Tests;

/// <summary>
/// A real <c>speedy metaserver</c> process (<c>dotnet speedy.dll metaserver …</c>, the build the project reference
/// puts next to the tests) on a free loopback port, ready once <c>GET /health</c> answers 200.
/// </summary>
public sealed class MetaServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private MetaServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Everything the process printed so far.</summary>
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

    /// <summary>Starts <c>speedy metaserver --listen 127.0.0.1:PORT</c> with <paramref name="arguments"/>, retrying on another port if one was taken.</summary>
    public static Task<MetaServerProcess> StartAsync(string[] arguments, CancellationToken cancellationToken) =>
        StartAsync(arguments, environment: null, cancellationToken);

    /// <summary>Like <see cref="StartAsync(string[], CancellationToken)"/>, with <c>SPEEDY_</c> variables for the child.</summary>
    public static async Task<MetaServerProcess> StartAsync(
        string[] arguments, IReadOnlyDictionary<string, string>? environment, CancellationToken cancellationToken)
    {
        Assert.True(File.Exists(DllPath), $"{DllPath} is missing: the test project references src/Speedy.Cli, so a build puts it there");
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var server = Start(["--listen", $"127.0.0.1:{port}", .. arguments], environment, new Uri($"http://127.0.0.1:{port}/"));
            try
            {
                await server.WaitUntilReadyAsync(cancellationToken);
                return server;
            }
            catch (InvalidOperationException) when (attempt < 3 && server.Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
            {
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Runs <c>speedy metaserver</c> with exactly <paramref name="arguments"/> to its exit (within 30 s); its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output)> RunToExitAsync(string[] arguments, CancellationToken cancellationToken)
    {
        var server = Start(arguments, environment: null);
        await using (server)
        {
            using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            limit.CancelAfter(TimeSpan.FromSeconds(30));
            await server._process.WaitForExitAsync(limit.Token);
            return (server._process.ExitCode, server.Output);
        }
    }

    /// <summary>Kills the process at once (SIGKILL): a meta server that dies.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(wait.Token);
    }

    public async ValueTask DisposeAsync()
    {
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
            // Never started, or already gone.
        }
        finally
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"--- output of speedy metaserver on {Address} ---{Environment.NewLine}{Output}");
            _process.Dispose();
        }
    }

    private static MetaServerProcess Start(string[] arguments, IReadOnlyDictionary<string, string>? environment, Uri? address = null)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])[DllPath, "metaserver", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        // The child sees only the configuration the test gives it.
        foreach (var variable in start.Environment.Keys.ToList())
        {
            if (variable.StartsWith("SPEEDY_", StringComparison.Ordinal) || variable.StartsWith("ASPNETCORE_", StringComparison.Ordinal))
            {
                start.Environment.Remove(variable);
            }
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        var server = new MetaServerProcess(process, address ?? new Uri("http://127.0.0.1/"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
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
                await _process.WaitForExitAsync(cancellationToken);
                throw new InvalidOperationException($"speedy metaserver exited with {_process.ExitCode} before answering /health:{Environment.NewLine}{Output}");
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

        throw new InvalidOperationException($"speedy metaserver did not answer /health within 30 s (last: {last}):{Environment.NewLine}{Output}");
    }
}
