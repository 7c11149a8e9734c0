using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Speedy.ChunkServer;
using Speedy.ImageServer;
using Speedy.Master;
using Speedy.MetaServer;
using Speedy.Storage.Cluster;

namespace Speedy.Cluster;

/// <summary>
/// The whole Speedy store in this process: a master, <c>N</c> chunk servers in groups of <c>R</c>, a meta server on
/// SQLite and an image server, each on an ephemeral loopback port, with their data under one directory. It is what
/// <c>speedy server</c> puts the registry in front of, and what tests and benchmarks start to have a real store.
/// <see cref="StartAsync"/> returns once the master sees every chunk server and every group takes writes;
/// <see cref="DisposeAsync"/> stops the roles in order (image server, meta server, chunk servers, master). The
/// same data directory started again serves everything stored before: chunk servers keep their group, and the
/// meta server's database and the volumes are on disk.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable
{
    /// <summary>A chunk server's port is picked before it listens; if something takes it meanwhile, the start is tried again.</summary>
    private const int StartAttempts = 3;

    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(100);

    private readonly DataDirectoryLock _lock;
    private readonly ClusterLayout _layout;
    private readonly List<WebApplication> _chunkHosts = [];
    private readonly List<LocalChunkServer> _chunkServers = [];
    private WebApplication? _master;
    private WebApplication? _meta;
    private WebApplication? _image;
    private HttpClient? _masterHttp;
    private MasterClient? _masterClient;
    private int _disposed;

    private LocalCluster(string data, DataDirectoryLock directoryLock, ClusterLayout layout)
    {
        Data = data;
        _lock = directoryLock;
        _layout = layout;
    }

    /// <summary>The data directory, as a full path.</summary>
    public string Data { get; }

    /// <summary>Chunk servers per group: how many copies of every fragment the store keeps.</summary>
    public int Replicas => _layout.Replicas;

    /// <summary>How many groups the chunk servers form.</summary>
    public int Groups => _layout.Groups;

    /// <summary>The chunk servers, by number.</summary>
    public IReadOnlyList<LocalChunkServer> ChunkServers => _chunkServers;

    /// <summary>The master's base URL (<c>GET /v1/topology</c>).</summary>
    public Uri MasterUrl { get; private set; } = null!;

    /// <summary>The meta server's base URL: the <c>speedy</c> storage driver's <c>MetaServers</c>.</summary>
    public Uri MetaServerUrl { get; private set; } = null!;

    /// <summary>The meta server's store, for a driver in this process to use without the HTTP hop; the cluster owns it.</summary>
    public IMetaStore MetaStore { get; private set; } = null!;

    /// <summary>The image server's base URL: the <c>speedy</c> storage driver's <c>ImageServers</c>.</summary>
    public Uri ImageServerUrl { get; private set; } = null!;

    /// <summary>
    /// Reads fragments this process's chunk servers hold straight from their volumes, and stores fragments through
    /// this process's image server without HTTP: give it to the <c>speedy</c> driver of a registry in the same process.
    /// </summary>
    public ILocalFragmentSource LocalFragments { get; private set; } = null!;

    /// <summary>
    /// Groups that did not take writes when the start finished although every member reported (a disk short of
    /// <see cref="LocalClusterOptions.MinFreeBytes"/>, say), each as "group N: reason". Empty when all are writable.
    /// The store still serves reads then.
    /// </summary>
    public IReadOnlyList<string> ReadOnlyGroups { get; private set; } = [];

    /// <summary>
    /// Starts every role on the data directory of <paramref name="options"/> and waits until the master sees every
    /// chunk server healthy and every group writable (or, with every member reporting, says why a group is not).
    /// </summary>
    /// <exception cref="ArgumentException">An option is out of range.</exception>
    /// <exception cref="LocalClusterException">
    /// The directory is in use, its layout contradicts the options, or the store did not become ready in time.
    /// </exception>
    /// <exception cref="InvalidDataException">A volume or the meta database cannot be opened.</exception>
    public static async Task<LocalCluster> StartAsync(LocalClusterOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var data = Path.GetFullPath(options.Data);
        Directory.CreateDirectory(data);
        var directoryLock = DataDirectoryLock.Acquire(data);
        try
        {
            var layout = ClusterLayout.Resolve(data, options.ChunkServers, options.Replicas);
            layout.Save(data);
            for (var attempt = 1; ; attempt++)
            {
                var cluster = new LocalCluster(data, directoryLock, layout);
                try
                {
                    await cluster.StartRolesAsync(options, cancellationToken);
                    cluster.ReadOnlyGroups = await cluster.WaitUntilReadyAsync(options, cancellationToken);
                    return cluster;
                }
                catch (Exception ex)
                {
                    try
                    {
                        await cluster.StopRolesAsync();
                    }
                    catch (AggregateException)
                    {
                        // What stopped the start matters; a role that also fails to stop is secondary.
                    }

                    if (attempt < StartAttempts && IsAddressInUse(ex))
                    {
                        continue;
                    }

                    throw;
                }
            }
        }
        catch
        {
            directoryLock.Dispose();
            throw;
        }
    }

    /// <summary>Stops the image server, the meta server, the chunk servers and the master, in that order, and releases the data directory.</summary>
    /// <exception cref="AggregateException">A role failed to stop cleanly (every other one was still stopped).</exception>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await StopRolesAsync();
        }
        finally
        {
            _lock.Dispose();
        }
    }

    private async Task StartRolesAsync(LocalClusterOptions options, CancellationToken cancellationToken)
    {
        _master = await StartHostAsync(
            MasterHost.Build(
                new MasterOptions
                {
                    Listen = "127.0.0.1:0",
                    HeartbeatTimeout = options.HeartbeatTimeout,
                    MinFreeBytes = options.MinFreeBytes,
                },
                Configure(options, "master")),
            cancellationToken);
        MasterUrl = BoundUrl(_master);

        var master = MasterUrl.GetLeftPart(UriPartial.Authority);
        var starts = new Task<WebApplication>[_layout.ChunkServers];
        for (var i = 0; i < starts.Length; i++)
        {
            var server = new LocalChunkServer(
                i + 1,
                _layout.GroupOf(i + 1),
                new Uri($"http://127.0.0.1:{ReserveLoopbackPort().ToString(CultureInfo.InvariantCulture)}/"),
                Path.Combine(Data, $"chunk-{(i + 1).ToString(CultureInfo.InvariantCulture)}"),
                DirectWrites: !_layout.IsFirstOfGroup(i + 1));
            _chunkServers.Add(server);
            // Opening volumes may mean recovering them: the servers open theirs side by side.
            starts[i] = Task.Run(() => StartChunkServerAsync(options, server, master, cancellationToken), cancellationToken);
        }

        try
        {
            await Task.WhenAll(starts);
        }
        finally
        {
            foreach (var start in starts)
            {
                if (start.IsCompletedSuccessfully)
                {
                    _chunkHosts.Add(start.Result);
                }
            }
        }

        var metaOptions = new MetaServerOptions { Listen = "127.0.0.1:0", Data = Path.Combine(Data, "meta") };
        _meta = await StartHostAsync(await MetaServerHost.BuildAsync(metaOptions, Configure(options, "meta"), cancellationToken), cancellationToken);
        MetaServerUrl = BoundUrl(_meta);
        MetaStore = _meta.Services.GetRequiredService<IMetaStore>();

        _masterHttp = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        _masterClient = new MasterClient(_masterHttp, [MasterUrl]);
        var imageOptions = new ImageServerOptions { Listen = "127.0.0.1:0", MaxFragmentBytes = options.MaxFragmentBytes };
        var chunkServers = _chunkHosts.Select(host => InProcessChunkServer.Of(host.Services)).ToArray();
        var byUrl = new LocalChunkServers(_chunkServers.Select(server => server.Url.GetLeftPart(UriPartial.Authority)).Zip(chunkServers));
        var configureImage = Configure(options, "image");
        _image = await StartHostAsync(
            ImageServerHost.Build(imageOptions, new MasterTopologySource(_masterClient), builder =>
            {
                configureImage(builder);
                builder.Services.AddSingleton<ILocalChunkServers>(byUrl);
            }),
            cancellationToken);
        ImageServerUrl = BoundUrl(_image);
        // The first member of each group is read first: its fresh needles are in the page cache.
        var readers = _chunkServers.Zip(chunkServers).OrderBy(pair => pair.First.DirectWrites).Select(pair => pair.Second).ToArray();
        LocalFragments = new LocalFragmentSource(readers, LocalFragmentWriter.Of(_image.Services));
    }

    private static Task<WebApplication> StartChunkServerAsync(
        LocalClusterOptions options, LocalChunkServer server, string master, CancellationToken cancellationToken)
    {
        var url = server.Url.GetLeftPart(UriPartial.Authority);
        var chunkOptions = new ChunkServerOptions
        {
            Listen = server.Url.Authority,
            PublicUrl = url,
            Directories = [server.Directory],
            Group = server.Group,
            VolumeSize = options.VolumeSize,
            Masters = [master],
            HeartbeatInterval = options.HeartbeatInterval,
            DirectWrites = server.DirectWrites,
        };
        return StartHostAsync(ChunkServerHost.Build(chunkOptions, Configure(options, $"chunk-{server.Number.ToString(CultureInfo.InvariantCulture)}")), cancellationToken);
    }

    /// <summary>Starts <paramref name="app"/>; if that fails, disposes it before the exception goes on.</summary>
    private static async Task<WebApplication> StartHostAsync(WebApplication app, CancellationToken cancellationToken)
    {
        try
        {
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Polls the master (through the image server's own client, so its cached view is fresh too) until every chunk
    /// server reported and is healthy, the master's warm-up is over and every group is writable. With every member
    /// healthy a group that stays read-only for three heartbeats is reported instead of waited for.
    /// </summary>
    private async Task<IReadOnlyList<string>> WaitUntilReadyAsync(LocalClusterOptions options, CancellationToken cancellationToken)
    {
        var started = TimeProvider.System.GetTimestamp();
        long? settledAt = null;
        var problem = "the master has not answered yet";
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            try
            {
                var snapshot = await _masterClient!.RefreshTopologyAsync(cancellationToken);
                var readOnly = new List<string>();
                var missing = snapshot.Stale ? "the master did not answer" : FindMissingMember(snapshot.Topology);
                if (missing is null)
                {
                    foreach (var group in snapshot.Topology.Groups)
                    {
                        if (!group.Writable)
                        {
                            readOnly.Add($"group {group.Id.ToString(CultureInfo.InvariantCulture)}: {group.Reason}");
                        }
                    }

                    if (readOnly.Count == 0)
                    {
                        return [];
                    }

                    settledAt ??= TimeProvider.System.GetTimestamp();
                    if (TimeProvider.System.GetElapsedTime(settledAt.Value) >= options.HeartbeatInterval * 3)
                    {
                        return readOnly;
                    }

                    problem = string.Join("; ", readOnly);
                }
                else
                {
                    settledAt = null;
                    problem = missing;
                }
            }
            catch (MasterUnavailableException ex)
            {
                problem = ex.Message;
            }

            if (TimeProvider.System.GetElapsedTime(started) > options.StartTimeout)
            {
                throw new LocalClusterException(
                    string.Create(CultureInfo.InvariantCulture, $"the store did not become ready within {options.StartTimeout.TotalSeconds:0.#} s: {problem}"));
            }

            await Task.Delay(s_pollInterval, cancellationToken);
        }
    }

    /// <summary>Why the topology is not complete yet (warming up, a chunk server unheard of or unhealthy), or null.</summary>
    private string? FindMissingMember(Topology topology)
    {
        foreach (var server in _chunkServers)
        {
            var url = server.Url.GetLeftPart(UriPartial.Authority);
            MemberTopology? found = null;
            foreach (var member in topology.Find(server.Group)?.Members ?? [])
            {
                if (string.Equals(member.Url, url, StringComparison.Ordinal))
                {
                    found = member;
                }
            }

            if (found is null)
            {
                return $"chunk server {server.Number.ToString(CultureInfo.InvariantCulture)} ({url}, group {server.Group.ToString(CultureInfo.InvariantCulture)}) has not reported to the master";
            }

            if (!found.Healthy)
            {
                return $"chunk server {server.Number.ToString(CultureInfo.InvariantCulture)} ({url}) is not healthy";
            }
        }

        return topology.WarmingUp ? "the master is warming up" : null;
    }

    private async Task StopRolesAsync()
    {
        var failures = new List<Exception>();
        await StopHostAsync(_image, failures);
        _image = null;
        await StopHostAsync(_meta, failures);
        _meta = null;
        await Task.WhenAll(_chunkHosts.Select(host => StopHostAsync(host, failures)));
        _chunkHosts.Clear();
        await StopHostAsync(_master, failures);
        _master = null;
        _masterClient?.Dispose();
        _masterClient = null;
        _masterHttp?.Dispose();
        _masterHttp = null;
        if (failures.Count > 0)
        {
            throw new AggregateException("a role of the local cluster did not stop cleanly", failures);
        }
    }

    private static async Task StopHostAsync(WebApplication? app, List<Exception> failures)
    {
        if (app is null)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(s_stopTimeout);
            await app.StopAsync(timeout.Token);
        }
        catch (Exception ex)
        {
            lock (failures)
            {
                failures.Add(ex);
            }
        }
        finally
        {
            await app.DisposeAsync();
        }
    }

    /// <summary>What every role gets: no signal handling of its own, logs from Warning up, then the caller's changes.</summary>
    private static Action<WebApplicationBuilder> Configure(LocalClusterOptions options, string role) => builder =>
    {
        builder.Services.AddSingleton<IHostLifetime, InProcessLifetime>();
        builder.Logging.AddFilter("Speedy", LogLevel.Warning);
        options.ConfigureHost?.Invoke(role, builder);
    };

    /// <summary>The base URL a started application listens on (its one address; ports given as 0 are resolved).</summary>
    private static Uri BoundUrl(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("a started role reports no address");
        return new Uri(address.EndsWith('/') ? address : address + "/");
    }

    /// <summary>
    /// A loopback port free right now. A chunk server must know its URL before it starts (its first heartbeat goes out
    /// while it binds), so it cannot listen on port 0 and report the port afterwards.
    /// </summary>
    private static int ReserveLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsAddressInUse(Exception ex) =>
        ex is AddressInUseException || ex.InnerException is AddressInUseException
        || (ex is AggregateException aggregate && aggregate.InnerExceptions.Any(IsAddressInUse));
}
