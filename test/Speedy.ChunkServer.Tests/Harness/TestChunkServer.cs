using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Speedy.ChunkServer.Tests.Harness;

/// <summary>
/// A chunk server in this process, built by <see cref="ChunkServerHost.Build"/> exactly as <c>speedy chunkserver</c>
/// builds it, on ASP.NET Core's test server (or on real Kestrel, for tests that need a socket). Its directories
/// outlive it, so a test restarts it by disposing it and starting a new one on the same options.
/// </summary>
public sealed class TestChunkServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly bool _kestrel;
    private bool _disposed;

    private TestChunkServer(WebApplication app, bool kestrel, ChunkServerOptions options, LogCapture logs, HttpClient client)
    {
        _app = app;
        _kestrel = kestrel;
        Options = options;
        Logs = logs;
        Client = client;
    }

    public ChunkServerOptions Options { get; }

    public LogCapture Logs { get; }

    public HttpClient Client { get; }

    /// <summary>Options for a test: one group-1 volume directory, 16 MiB volumes, no scrubbing, a short heartbeat.</summary>
    public static ChunkServerOptions OptionsFor(params string[] directories) => new()
    {
        Directories = [.. directories],
        Group = 1,
        VolumeSize = 16L << 20,
        Listen = "127.0.0.1:0",
        HeartbeatInterval = TimeSpan.FromMilliseconds(100),
        ScrubInterval = TimeSpan.Zero,
    };

    public static Task<TestChunkServer> StartAsync(string directory, CancellationToken cancellationToken) =>
        StartAsync(OptionsFor(directory), cancellationToken);

    public static async Task<TestChunkServer> StartAsync(ChunkServerOptions options, CancellationToken cancellationToken, bool kestrel = false)
    {
        var logs = new LogCapture();
        var app = ChunkServerHost.Build(options, builder =>
        {
            builder.Logging.ClearProviders();
            builder.Logging.AddProvider(logs);
            if (!kestrel)
            {
                builder.WebHost.UseTestServer();
            }
        });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        HttpClient client;
        if (kestrel)
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
            Assert.NotNull(addresses);
            var address = Assert.Single(addresses.Addresses);
            client = new HttpClient { BaseAddress = new Uri(address) };
        }
        else
        {
            client = app.GetTestClient();
        }

        return new TestChunkServer(app, kestrel, options, logs, client);
    }

    /// <summary>Stops this server (cleanly: volumes closed) and starts a new one on the same options.</summary>
    public async Task<TestChunkServer> RestartAsync(CancellationToken cancellationToken)
    {
        await DisposeAsync();
        return await StartAsync(Options, cancellationToken, _kestrel);
    }

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        Client.Dispose();
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
