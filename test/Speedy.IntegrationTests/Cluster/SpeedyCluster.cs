using System.Globalization;
using Speedy.Testing;

namespace Speedy.IntegrationTests.Cluster;

/// <summary>
/// The whole store as separate real <c>speedy</c> processes on loopback, shared by the cluster test classes: two
/// masters, two groups of three chunk servers (each heartbeating to both masters), two image servers, a meta server
/// on a private PostgreSQL, and two <c>speedy registry --storage speedy</c> replicas, each given both image servers
/// and the meta server. Tests SIGKILL and restart its nodes; <see cref="EnsureHealthyAsync"/> puts it back together
/// (same ports, directories and groups) before each test, so no test depends on what an earlier one did.
/// </summary>
public sealed class SpeedyCluster : IAsyncLifetime
{
    /// <summary>The registries cut blobs into fragments this large, so a multi-MiB layer spans several fragments (and groups).</summary>
    public const int FragmentBytes = 1 << 20;

    /// <summary>Groups and the members of each.</summary>
    public const int Groups = 2;

    public const int MembersPerGroup = 3;

    /// <summary>How long a master waits for a heartbeat before a member counts as unhealthy (chunk servers send one a second).</summary>
    public static readonly TimeSpan HeartbeatTimeout = TimeSpan.FromSeconds(5);

    /// <summary>How long the cluster may take to reach a state a test waits for (start-up, noticing a death, a restart).</summary>
    public static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    private const long VolumeBytes = 128L << 20;
    private const long MinFreeBytes = 256L << 20;

    private static readonly Dictionary<string, string> s_chunkServerEnvironment = new()
    {
        // Heartbeat every second (the default is 3 s), so the masters notice a death within HeartbeatTimeout + 1 s.
        ["SPEEDY_HEARTBEATINTERVAL"] = "00:00:01",
    };

    private readonly PostgresServer _postgres = new();
    private readonly TempDirectory _temp = TempDirectory.Create("cluster");
    private readonly List<ClusterNode> _masters = [];
    private readonly List<ClusterNode> _chunkServers = [];
    private readonly List<ClusterNode> _imageServers = [];
    private readonly List<ClusterNode> _registries = [];
    private readonly List<ClusterNode> _retired = [];
    private ClusterNode? _metaServer;
    private int _nextChunkServer;
    private bool _disposed;

    public IReadOnlyList<ClusterNode> Masters => _masters;

    public IReadOnlyList<ClusterNode> ChunkServers => _chunkServers;

    public IReadOnlyList<ClusterNode> ImageServers => _imageServers;

    public IReadOnlyList<ClusterNode> Registries => _registries;

    public ClusterNode MetaServer => _metaServer ?? throw new InvalidOperationException("The cluster has not been started.");

    public ClusterNode RegistryA => _registries[0];

    public ClusterNode RegistryB => _registries[1];

    /// <summary>Every node, in start order: masters, chunk servers, meta server, image servers, registries.</summary>
    public IReadOnlyList<ClusterNode> Nodes
    {
        get
        {
            List<ClusterNode> nodes = [.. _masters, .. _chunkServers];
            if (_metaServer is not null)
            {
                nodes.Add(_metaServer);
            }

            return [.. nodes, .. _imageServers, .. _registries];
        }
    }

    /// <summary>A directory for the tests' own files (images, pulled layouts); deleted with the cluster.</summary>
    public string Scratch(string name) => _temp.CreateSubdirectory(Path.Combine("scratch", name + "-" + Guid.NewGuid().ToString("N")[..8]));

    /// <summary>The chunk servers of <paramref name="group"/>.</summary>
    public IReadOnlyList<ClusterNode> GroupMembers(uint group) => _chunkServers.Where(c => c.Group == group).ToList();

    /// <summary>
    /// Starts PostgreSQL and every store role, and waits until both masters see both groups writable. The registries
    /// are defined here but started by <see cref="EnsureHealthyAsync"/>, so that a registry that cannot start fails
    /// the tests that need it with its own output, while the store's start-up is still checked on its own.
    /// </summary>
    public async ValueTask InitializeAsync()
    {
        try
        {
            await StartAsync(TestContext.Current.CancellationToken);
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    private async Task StartAsync(CancellationToken cancellationToken)
    {
        await _postgres.InitializeAsync();
        var connectionString = await _postgres.CreateDatabaseAsync(options: null, cancellationToken);

        for (var index = 0; index < 2; index++)
        {
            _masters.Add(new ClusterNode(
                $"master {index}",
                "master",
                [
                    "--index", index.ToString(CultureInfo.InvariantCulture),
                    "--heartbeat-timeout", string.Create(CultureInfo.InvariantCulture, $"{HeartbeatTimeout.TotalSeconds}s"),
                    "--min-free-bytes", MinFreeBytes.ToString(CultureInfo.InvariantCulture),
                ]));
        }

        await Task.WhenAll(_masters.Select(m => m.StartAsync(cancellationToken)));

        for (uint group = 1; group <= Groups; group++)
        {
            for (var member = 1; member <= MembersPerGroup; member++)
            {
                _chunkServers.Add(NewChunkServer(group));
            }
        }

        _metaServer = new ClusterNode(
            "metaserver",
            "metaserver",
            ["--store", "postgres", "--data", _temp.CreateSubdirectory("meta")],
            new Dictionary<string, string> { ["SPEEDY_CONNECTIONSTRING"] = connectionString });
        for (var index = 0; index < 2; index++)
        {
            _imageServers.Add(NewImageServer($"imageserver {index}"));
        }

        await Task.WhenAll(_chunkServers.Select(c => c.StartAsync(cancellationToken)));
        await Task.WhenAll([_metaServer.StartAsync(cancellationToken), .. _imageServers.Select(i => i.StartAsync(cancellationToken))]);

        for (var index = 0; index < 2; index++)
        {
            _registries.Add(new ClusterNode(
                $"registry {(char)('A' + index)}",
                "registry",
                [
                    "--storage", "speedy",
                    "--data", _temp.CreateSubdirectory($"registry-{index}"),
                    "--meta-server", MetaServer.Url,
                    "--image-server", _imageServers[0].Url,
                    "--image-server", _imageServers[1].Url,
                    "--fragment-size", FragmentBytes.ToString(CultureInfo.InvariantCulture),
                ],
                readinessPath: "v2/"));
        }

        await WaitUntilStoreIsHealthyAsync(cancellationToken);
    }

    /// <summary>
    /// Restarts every node that is not running (as it was: same port, arguments, directory), starts the registries
    /// if they never started, and waits until both masters see every group writable with all its members healthy.
    /// </summary>
    public async Task EnsureHealthyAsync(CancellationToken cancellationToken)
    {
        await StartStoppedAsync(_masters, cancellationToken);
        await StartStoppedAsync(_chunkServers, cancellationToken);
        await StartStoppedAsync([MetaServer, .. _imageServers], cancellationToken);
        await WaitUntilStoreIsHealthyAsync(cancellationToken);
        await StartStoppedAsync(_registries, cancellationToken);
    }

    /// <summary>Waits until both masters are past their warm-up and see exactly the configured members, all healthy, and every group writable.</summary>
    public Task WaitUntilStoreIsHealthyAsync(CancellationToken cancellationToken) =>
        WaitForTopologyAsync(
            "every group writable with all its members healthy",
            topology =>
            {
                if (topology.WarmingUp || topology.Groups.Count != Groups)
                {
                    return false;
                }

                foreach (var group in topology.Groups)
                {
                    var expected = GroupMembers(group.Id).Select(c => c.Url).Order(StringComparer.Ordinal);
                    if (!group.Writable
                        || !group.Members.Select(m => m.Url).Order(StringComparer.Ordinal).SequenceEqual(expected)
                        || !group.Members.All(m => m.Healthy))
                    {
                        return false;
                    }
                }

                return true;
            },
            cancellationToken);

    /// <summary>
    /// Polls <c>GET /v1/topology</c> of every running master until <paramref name="condition"/> holds for each (at the
    /// same poll), within <see cref="SettleTimeout"/>; otherwise fails with the last topology every master answered.
    /// </summary>
    public async Task<IReadOnlyList<MasterTopology>> WaitForTopologyAsync(
        string description, Func<MasterTopology, bool> condition, CancellationToken cancellationToken)
    {
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + SettleTimeout;
        var last = new List<string>();
        while (true)
        {
            last.Clear();
            var topologies = new List<MasterTopology>();
            foreach (var master in _masters.Where(m => m.IsRunning))
            {
                try
                {
                    var topology = MasterTopology.Parse(master.Url, await client.GetStringAsync(new Uri(master.BaseAddress, "v1/topology"), cancellationToken));
                    topologies.Add(topology);
                    last.Add(topology.Summary());
                }
                catch (Exception e) when (e is HttpRequestException || (e is TaskCanceledException && !cancellationToken.IsCancellationRequested))
                {
                    last.Add($"{master}: {e.Message}");
                }
            }

            if (topologies.Count > 0 && topologies.Count == last.Count && topologies.All(condition))
            {
                return topologies;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"The masters did not report {description} within {SettleTimeout}.{Environment.NewLine}{string.Join(Environment.NewLine, last)}");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    /// <summary>What every node printed from now on, written to <paramref name="output"/> when the scope ends.</summary>
    public ClusterOutputScope CaptureOutput(ITestOutputHelper output) => new(() => [.. Nodes, .. _retired], output);

    /// <summary>
    /// Starts a new, empty chunk server in <paramref name="replaced"/>'s group with <c>--replace</c> naming it (on its
    /// first start only); from then on the cluster counts the new server as a member instead of the replaced one.
    /// </summary>
    public async Task<ClusterNode> StartReplacementAsync(ClusterNode replaced, CancellationToken cancellationToken)
    {
        var index = _chunkServers.IndexOf(replaced);
        if (index < 0)
        {
            throw new ArgumentException($"{replaced} is not a member of the cluster.", nameof(replaced));
        }

        var replacement = NewChunkServer(replaced.Group, ["--replace", replaced.Url]);
        await replacement.StartAsync(cancellationToken);
        _chunkServers[index] = replacement;
        _retired.Add(replaced);
        return replacement;
    }

    /// <summary>A new chunk server for <paramref name="group"/> with an empty directory of its own (not started).</summary>
    public ClusterNode NewChunkServer(uint group, IReadOnlyList<string>? firstStartArguments = null)
    {
        var number = ++_nextChunkServer;
        var directory = _temp.CreateSubdirectory($"chunk-{number}");
        return new ClusterNode(
            $"chunkserver {number} (group {group})",
            "chunkserver",
            [
                "--dir", directory,
                "--group", group.ToString(CultureInfo.InvariantCulture),
                "--volume-size", VolumeBytes.ToString(CultureInfo.InvariantCulture),
                .. MasterArguments(),
            ],
            s_chunkServerEnvironment,
            firstStartArguments: firstStartArguments)
        {
            Group = group,
            VolumeDirectory = directory,
        };
    }

    /// <summary>A new image server on both masters (not started, not one the registries know); <paramref name="environment"/> sets its options.</summary>
    public ClusterNode NewImageServer(string name, IReadOnlyDictionary<string, string>? environment = null) =>
        new(name, "imageserver", [.. MasterArguments()], environment);

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var node in Nodes.Reverse().Concat(_retired))
        {
            await node.DisposeAsync();
        }

        await _postgres.DisposeAsync();
        _temp.Dispose();
    }

    private static async Task StartStoppedAsync(IReadOnlyList<ClusterNode> nodes, CancellationToken cancellationToken) =>
        await Task.WhenAll(nodes.Where(n => !n.IsRunning).Select(n => n.StartAsync(cancellationToken)));

    private IEnumerable<string> MasterArguments() => _masters.SelectMany(m => new[] { "--master", m.Url });
}
