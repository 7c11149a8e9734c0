using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Logging;
using Speedy.Cluster;
using Speedy.Testing;

namespace Speedy.Storage.Cluster.Tests;

/// <summary>
/// A real cluster in this process (<see cref="LocalCluster"/>): a master, one group of three chunk servers, an image
/// server and a meta server on SQLite, each on its own loopback port. Shared by the tests of a class.
/// </summary>
public sealed class TestCluster : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private LocalCluster? _cluster;

    public Uri MetaUrl => Cluster.MetaServerUrl;

    /// <summary>The meta server's store, as <c>speedy server</c> gives it to its driver.</summary>
    public Speedy.MetaServer.IMetaStore MetaStore => Cluster.MetaStore;

    /// <summary>The cluster's short paths, as <c>speedy server</c> gives them to its driver.</summary>
    public ILocalFragmentSource LocalFragments => Cluster.LocalFragments;

    /// <summary>The volumes of the group's first member: the copy the short read path reads.</summary>
    public string FirstChunkServerDirectory => Cluster.ChunkServers[0].Directory;

    private LocalCluster Cluster => _cluster ?? throw new InvalidOperationException("the cluster starts in InitializeAsync");

    public ClusterStorageOptions DriverOptions(int fragmentBytes = 64 << 10) => new()
    {
        MetaServers = [Cluster.MetaServerUrl.ToString()],
        ImageServers = [Cluster.ImageServerUrl.ToString()],
        FragmentBytes = fragmentBytes,
        RetryDelay = TimeSpan.FromMilliseconds(20),
    };

    public async ValueTask InitializeAsync()
    {
        var options = LocalClusterOptions.ForTests(_directory.Combine("cluster"));
        options.ChunkServers = 3;
        options.Replicas = 3;
        options.VolumeSize = 128L << 20;
        options.ConfigureHost = (_, builder) => builder.Logging.SetMinimumLevel(LogLevel.Warning);
        _cluster = await LocalCluster.StartAsync(options, TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _directory.Dispose();
    }
}
