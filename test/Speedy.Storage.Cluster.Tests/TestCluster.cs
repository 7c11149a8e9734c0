using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Speedy.ChunkServer;
using Speedy.ImageServer;
using Speedy.Master;
using Speedy.MetaServer;
using Speedy.Testing;

namespace Speedy.Storage.Cluster.Tests;

/// <summary>
/// A real cluster in this process, every role on its own loopback Kestrel port: a master, one group of three chunk
/// servers, an image server and a meta server on SQLite. Shared by the tests of a class.
/// </summary>
public sealed class TestCluster : IAsyncLifetime
{
    public const int Members = 3;

    private readonly TempDirectory _directory = new();
    private readonly List<WebApplication> _apps = [];
    private HttpClient? _masterHttp;
    private MasterClient? _masterClient;

    public Uri MasterUrl { get; private set; } = null!; // Set by InitializeAsync.

    public Uri MetaUrl { get; private set; } = null!;

    public Uri ImageUrl { get; private set; } = null!;

    public ClusterStorageOptions DriverOptions(int fragmentBytes = 64 << 10) => new()
    {
        MetaServers = [MetaUrl.ToString()],
        ImageServers = [ImageUrl.ToString()],
        FragmentBytes = fragmentBytes,
        RetryDelay = TimeSpan.FromMilliseconds(20),
    };

    public async ValueTask InitializeAsync()
    {
        var token = TestContext.Current.CancellationToken;
        MasterUrl = await StartAsync(port => MasterHost.Build(
            new MasterOptions { Listen = $"127.0.0.1:{port}", HeartbeatTimeout = TimeSpan.FromSeconds(2), MinFreeBytes = 64L << 20 },
            Quiet));
        for (var member = 0; member < Members; member++)
        {
            var directory = _directory.Combine($"chunk-{member}");
            await StartAsync(port => ChunkServerHost.Build(
                new ChunkServerOptions
                {
                    Listen = $"127.0.0.1:{port}",
                    Directories = [directory],
                    Group = 1,
                    VolumeSize = 128L << 20,
                    Masters = [MasterUrl.ToString()],
                    HeartbeatInterval = TimeSpan.FromMilliseconds(250),
                },
                Quiet));
        }

        _masterHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        _masterClient = new MasterClient(_masterHttp, [MasterUrl]);
        ImageUrl = await StartAsync(port => ImageServerHost.Build(
            new ImageServerOptions { Listen = $"127.0.0.1:{port}" },
            new MasterTopologySource(_masterClient),
            Quiet));
        var metaOptions = new MetaServerOptions { Data = _directory.Combine("meta") };
        Directory.CreateDirectory(metaOptions.Data);
        var store = await MetaServerHost.OpenStoreAsync(metaOptions, token);
        MetaUrl = await StartAsync(port =>
        {
            metaOptions.Listen = $"127.0.0.1:{port}";
            return MetaServerHost.Build(metaOptions, store, Quiet);
        });
        await WaitWritableAsync(token);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _apps.Count - 1; i >= 0; i--)
        {
            await _apps[i].DisposeAsync();
        }

        _masterClient?.Dispose();
        _masterHttp?.Dispose();
        _directory.Dispose();
    }

    private static void Quiet(WebApplicationBuilder builder) => builder.Logging.SetMinimumLevel(LogLevel.Warning);

    private async Task<Uri> StartAsync(Func<int, WebApplication> build)
    {
        for (var attempt = 0; ; attempt++)
        {
            var port = FreePort.Next();
            var app = build(port);
            try
            {
                await app.StartAsync(TestContext.Current.CancellationToken);
                _apps.Add(app);
                return new Uri($"http://127.0.0.1:{port}/");
            }
            catch (IOException) when (attempt < 3)
            {
                await app.DisposeAsync();
            }
        }
    }

    private async Task WaitWritableAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = MasterUrl };
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var topology = await http.GetFromJsonAsync<TopologyView>("v1/topology", cancellationToken);
            if (topology is { WarmingUp: false, Groups: [{ Writable: true, Members.Count: Members }] })
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }

        throw new InvalidOperationException("the cluster's group did not become writable");
    }

    private sealed record TopologyView(bool WarmingUp, List<GroupView> Groups);

    private sealed record GroupView(bool Writable, List<object> Members);
}
