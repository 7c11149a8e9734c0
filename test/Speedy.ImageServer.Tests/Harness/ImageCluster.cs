using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speedy.ChunkServer;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ImageServer.Tests.Harness;

/// <summary>
/// Two groups of three real Kestrel chunk servers each, and an image server (on the test server) over a static
/// topology that names them. A test kills members, rots their files and changes what the topology says.
/// </summary>
public sealed class ImageCluster : IAsyncDisposable
{
    public const int Groups = 2;
    public const int Members = 3;

    /// <summary>The first record of a volume starts after the 64-byte superblock; its data after the 32-byte header.</summary>
    public const long FirstNeedleData = 64 + 32;

    private readonly TempDirectory _directory = new();
    private readonly TestChunkServer?[,] _servers = new TestChunkServer?[Groups, Members];
    private readonly string[,] _urls = new string[Groups, Members];
    private readonly bool[,] _healthy = new bool[Groups, Members];
    private readonly bool[,] _syncing = new bool[Groups, Members];
    private readonly long[] _free = new long[Groups];
    private WebApplication? _image;

    private ImageCluster()
    {
    }

    public StaticTopology Topology { get; } = new(new StoreTopology([]));

    public HttpClient Client { get; private set; } = null!; // Set by StartAsync before anyone sees the cluster.

    public ImageServerMetrics Metrics { get; private set; } = null!; // Set by StartAsync.

    public LogCapture Logs { get; } = new();

    public static async Task<ImageCluster> StartAsync(CancellationToken cancellationToken, ImageServerOptions? options = null)
    {
        var cluster = new ImageCluster();
        try
        {
            for (var g = 0; g < Groups; g++)
            {
                cluster._free[g] = 1L << 30;
                for (var m = 0; m < Members; m++)
                {
                    var serverOptions = TestChunkServer.OptionsFor(cluster.DirectoryOf(g, m));
                    serverOptions.Group = (uint)(g + 1);
                    var server = await TestChunkServer.StartAsync(serverOptions, cancellationToken, kestrel: true);
                    cluster._servers[g, m] = server;
                    cluster._urls[g, m] = server.Client.BaseAddress!.ToString().TrimEnd('/'); // Kestrel servers always have one.
                    cluster._healthy[g, m] = true;
                }
            }

            cluster.Publish();
            var image = ImageServerHost.Build(options ?? new ImageServerOptions { Listen = "127.0.0.1:0" }, cluster.Topology, builder =>
            {
                builder.Logging.ClearProviders();
                builder.Logging.AddProvider(cluster.Logs);
                builder.WebHost.UseTestServer();
            });
            cluster._image = image;
            await image.StartAsync(cancellationToken);
            cluster.Client = image.GetTestClient();
            cluster.Metrics = image.Services.GetRequiredService<ImageServerMetrics>();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public TestChunkServer Server(int group, int member) =>
        _servers[group, member] ?? throw new InvalidOperationException($"member {member} of group {group + 1} was killed");

    public string DirectoryOf(int group, int member) => _directory.Combine($"g{group + 1}m{member}");

    /// <summary>Stops a member; the topology still lists it as it was.</summary>
    public async Task KillAsync(int group, int member)
    {
        await Server(group, member).DisposeAsync();
        _servers[group, member] = null;
    }

    public void SetHealthy(int group, int member, bool healthy)
    {
        _healthy[group, member] = healthy;
        Publish();
    }

    /// <summary>Lists a member as the master lists a replacement still copying its group's volumes.</summary>
    public void SetSyncing(int group, int member, bool syncing)
    {
        _syncing[group, member] = syncing;
        Publish();
    }

    public void SetFreeBytes(int group, long free)
    {
        _free[group] = free;
        Publish();
    }

    public async Task<FragmentStored> UploadAsync(byte[] data, CancellationToken cancellationToken, string query = "")
    {
        using var content = new ByteArrayContent(data);
        using var response = await Client.PutAsync("/v1/fragments" + query, content, cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(cancellationToken));
        var stored = await response.Content.ReadFromJsonAsync(ImageJsonContext.Default.FragmentStored, cancellationToken);
        Assert.NotNull(stored);
        return stored;
    }

    public async Task<byte[]> DownloadAsync(string fid, CancellationToken cancellationToken)
    {
        using var response = await Client.GetAsync($"/v1/fragments/{fid}", cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(cancellationToken));
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>The needle's bytes on one member, read straight from its chunk server.</summary>
    public async Task<byte[]> ReadFromMemberAsync(int group, int member, string fid, CancellationToken cancellationToken)
    {
        using var response = await Server(group, member).Client.GetAsync($"/needles/{fid}", cancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    /// <summary>Rots one byte of a volume's data file on one member, behind its back.</summary>
    public void FlipByte(int group, int member, VolumeId volume, long offset)
    {
        using var file = new FileStream(Path.Combine(DirectoryOf(group, member), $"{volume}.dat"), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x40));
    }

    public async ValueTask DisposeAsync()
    {
        if (_image is not null)
        {
            await _image.StopAsync(CancellationToken.None);
            await _image.DisposeAsync();
        }

        foreach (var server in _servers)
        {
            if (server is not null)
            {
                await server.DisposeAsync();
            }
        }

        _directory.Dispose();
    }

    private void Publish()
    {
        var groups = new List<TopologyGroup>();
        for (var g = 0; g < Groups; g++)
        {
            var members = new List<TopologyMember>();
            for (var m = 0; m < Members; m++)
            {
                members.Add(new TopologyMember(_urls[g, m], _healthy[g, m], _free[g], Load: 0) { Syncing = _syncing[g, m] });
            }

            groups.Add(new TopologyGroup(new GroupId((uint)(g + 1)), members, Writable: true, WritableVolumes: [], HighestVolume: new VolumeId(0)));
        }

        Topology.Current = new StoreTopology(groups);
    }
}
