using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json;
using Speedy.Cluster;
using Speedy.Testing;

namespace Speedy.IntegrationTests.AllInOne;

/// <summary><see cref="LocalCluster"/> in this process: the store that `speedy server`, the driver's tests and the benchmarks start.</summary>
public sealed class LocalClusterTests
{
    [Fact]
    public async Task StartAsync_ReturnsWhenEveryChunkServerReportedAndEveryGroupIsWritable()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("local-cluster");
        var options = LocalClusterOptions.ForTests(temp.Combine("data"));
        options.ChunkServers = 4;
        options.Replicas = 2;

        await using var cluster = await LocalCluster.StartAsync(options, cancellationToken);

        Assert.Empty(cluster.ReadOnlyGroups);
        Assert.Equal(2, cluster.Groups);
        Assert.Equal([1u, 1u, 2u, 2u], cluster.ChunkServers.Select(server => server.Group));
        Assert.Equal(
            [temp.Combine("data", "chunk-1"), temp.Combine("data", "chunk-2"), temp.Combine("data", "chunk-3"), temp.Combine("data", "chunk-4")],
            cluster.ChunkServers.Select(server => server.Directory));
        // Right after the start, without waiting: both groups are writable, with both members healthy.
        var topology = await StoreProbe.TopologyAsync(cluster.MasterUrl, cancellationToken);
        Assert.All(topology, group => Assert.True(group.Writable && group.Members.Count == 2 && group.Members.All(m => m.Healthy)));

        // A fragment goes through the image server to both members of a group and comes back.
        using var http = new HttpClient();
        var fragment = RandomNumberGenerator.GetBytes(100_000);
        using var content = new ByteArrayContent(fragment);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        using var put = await http.PutAsync(new Uri(cluster.ImageServerUrl, "v1/fragments?index=0&offset=0"), content, cancellationToken);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        using var stored = JsonDocument.Parse(await put.Content.ReadAsStringAsync(cancellationToken));
        var fid = stored.RootElement.GetProperty("fid").GetString()!;
        Assert.Equal(fragment, await http.GetByteArrayAsync(new Uri(cluster.ImageServerUrl, $"v1/fragments/{fid}"), cancellationToken));
        var group = new StoreProbe.Fragment(0, 0, fragment.Length, fid).Group;
        foreach (var server in cluster.ChunkServers.Where(server => server.Group == group))
        {
            Assert.Equal(fragment, await StoreProbe.NeedleAsync(server.Url.ToString(), fid, cancellationToken));
        }

        // The short read path finds it in the volumes of this process when the CRC is the recorded one, and knows
        // nothing of another needle.
        var local = new byte[fragment.Length];
        var crc = Speedy.IO.Crc32C.Compute(fragment);
        Assert.True(await cluster.LocalFragments.TryReadAsync(fid, crc, local, cancellationToken));
        Assert.Equal(fragment, local);
        Assert.False(await cluster.LocalFragments.TryReadAsync(fid, crc ^ 1, local, cancellationToken));
        var unknown = fid[..^4] + (fid[^4..] == "0000" ? "0001" : "0000");
        Assert.False(await cluster.LocalFragments.TryReadAsync(unknown, crc, local, cancellationToken));
        Assert.False(await cluster.LocalFragments.TryReadAsync(fid, crc, new byte[fragment.Length - 1], cancellationToken));

        using var meta = await http.GetAsync(new Uri(cluster.MetaServerUrl, "health"), cancellationToken);
        Assert.Equal(HttpStatusCode.OK, meta.StatusCode);
    }

    [Fact]
    public async Task StartAsync_AgainOnTheSameData_KeepsTheLayoutAndEveryStoredFragment()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("local-cluster-restart");
        var options = LocalClusterOptions.ForTests(temp.Combine("data"));
        options.ChunkServers = 3;
        options.Replicas = 3;
        var fragment = RandomNumberGenerator.GetBytes(50_000);
        string fid;
        using var http = new HttpClient();
        await using (var first = await LocalCluster.StartAsync(options, cancellationToken))
        {
            using var content = new ByteArrayContent(fragment);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            using var put = await http.PutAsync(new Uri(first.ImageServerUrl, "v1/fragments?index=0&offset=0"), content, cancellationToken);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            using var stored = JsonDocument.Parse(await put.Content.ReadAsStringAsync(cancellationToken));
            fid = stored.RootElement.GetProperty("fid").GetString()!;
        }

        // No layout given: the one the directory was created with.
        await using var second = await LocalCluster.StartAsync(LocalClusterOptions.ForTests(temp.Combine("data")), cancellationToken);
        Assert.Equal(3, second.Replicas);
        Assert.Equal([1u, 1u, 1u], second.ChunkServers.Select(server => server.Group));
        foreach (var server in second.ChunkServers)
        {
            Assert.Equal(fragment, await StoreProbe.NeedleAsync(server.Url.ToString(), fid, cancellationToken));
        }
    }

    [Fact]
    public async Task StartAsync_OnDataAnotherClusterHolds_ThrowsLocalClusterException()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("local-cluster-lock");
        var options = LocalClusterOptions.ForTests(temp.Combine("data"));
        await using var first = await LocalCluster.StartAsync(options, cancellationToken);

        var refused = await Assert.ThrowsAsync<LocalClusterException>(() => LocalCluster.StartAsync(options, cancellationToken));
        Assert.Contains("in use by another speedy server", refused.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(4, 4, "groups of 2")]
    [InlineData(2, null, "holds 4 chunk servers")]
    [InlineData(5, null, "multiple of 2")]
    public async Task StartAsync_WithALayoutTheDataCannotTake_ThrowsLocalClusterException_AndTheDataStillStarts(int chunkServers, int? replicas, string expected)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("local-cluster-layout");
        var options = LocalClusterOptions.ForTests(temp.Combine("data"));
        options.ChunkServers = 4;
        options.Replicas = 2;
        await (await LocalCluster.StartAsync(options, cancellationToken)).DisposeAsync();

        var changed = LocalClusterOptions.ForTests(temp.Combine("data"));
        changed.ChunkServers = chunkServers;
        changed.Replicas = replicas;
        var refused = await Assert.ThrowsAsync<LocalClusterException>(() => LocalCluster.StartAsync(changed, cancellationToken));
        Assert.Contains(expected, refused.Message, StringComparison.Ordinal);

        await using var again = await LocalCluster.StartAsync(LocalClusterOptions.ForTests(temp.Combine("data")), cancellationToken);
        Assert.Equal([1u, 1u, 2u, 2u], again.ChunkServers.Select(server => server.Group));
    }

    [Fact]
    public async Task StartAsync_WithMoreChunkServersOfTheSameGroupSize_AddsGroups()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("local-cluster-grow");
        var options = LocalClusterOptions.ForTests(temp.Combine("data"));
        await (await LocalCluster.StartAsync(options, cancellationToken)).DisposeAsync();

        options.ChunkServers = 3;
        await using var grown = await LocalCluster.StartAsync(options, cancellationToken);

        Assert.Equal([1u, 2u, 3u], grown.ChunkServers.Select(server => server.Group));
        var topology = await StoreProbe.TopologyAsync(grown.MasterUrl, cancellationToken);
        Assert.Equal([1u, 2u, 3u], topology.Select(group => group.Id));
        Assert.All(topology, group => Assert.True(group.Writable));
    }

    [Fact]
    public async Task DisposeAsync_StopsEveryRole()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("local-cluster-dispose");
        var cluster = await LocalCluster.StartAsync(LocalClusterOptions.ForTests(temp.Combine("data")), cancellationToken);
        Uri[] urls = [cluster.MasterUrl, cluster.MetaServerUrl, cluster.ImageServerUrl, .. cluster.ChunkServers.Select(server => server.Url)];

        await cluster.DisposeAsync();

        using var http = new HttpClient();
        foreach (var url in urls)
        {
            await Assert.ThrowsAsync<HttpRequestException>(() => http.GetAsync(new Uri(url, "health"), cancellationToken));
        }
    }
}
