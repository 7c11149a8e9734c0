using System.Security.Cryptography;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests.AllInOne;

/// <summary>`speedy server --chunk-servers N --replicas R`: N chunk servers in N/R groups of R, each fragment on every member of its group.</summary>
public sealed class AllInOneLayoutTests(ITestOutputHelper output)
{
    private const int FragmentBytes = 64 * 1024;

    [Theory]
    [InlineData(3, 3)]
    [InlineData(4, 2)]
    public async Task SpeedyServer_WithChunkServersAndReplicas_StoresEveryFragmentOnEveryMemberOfItsGroup(int chunkServers, int replicas)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("server-replicas");
        await using var server = await AllInOneServer.StartAsync(
            temp.CreateSubdirectory("data"),
            ["--chunk-servers", $"{chunkServers}", "--replicas", $"{replicas}", "--fragment-size", $"{FragmentBytes}"],
            output,
            cancellationToken);

        // The master sees N/R groups of R members, every one healthy, every group writable.
        var groups = chunkServers / replicas;
        Assert.Equal(chunkServers, server.ChunkServers.Count);
        var topology = await StoreProbe.TopologyAsync(server.MasterUrl, cancellationToken);
        Assert.Equal(Enumerable.Range(1, groups).Select(id => (uint)id), topology.Select(group => group.Id));
        foreach (var group in topology)
        {
            Assert.True(group.Writable, $"group {group.Id} is read-only");
            Assert.Equal(replicas, group.Members.Count);
            Assert.All(group.Members, member => Assert.True(member.Healthy, $"{member.Url} is unhealthy"));
            var described = server.ChunkServers.Where(s => s.Group == group.Id).Select(s => s.Url.GetLeftPart(UriPartial.Authority)).Order(StringComparer.Ordinal);
            Assert.Equal(described, group.Members.Select(member => member.Url).Order(StringComparer.Ordinal));
        }

        // A blob of seven fragments: each is on every member of the group the image server chose for it.
        var blob = RandomNumberGenerator.GetBytes((6 * FragmentBytes) + 123);
        using var client = server.CreateClient();
        var digest = await RegistryApi.PushBlobAsync(client, "layout/blob", blob, cancellationToken);
        var fragments = await StoreProbe.BlobFragmentsAsync(server.MetaServerUrl, digest, cancellationToken);
        Assert.Equal(7, fragments.Count);
        foreach (var fragment in fragments)
        {
            var group = Assert.Single(topology, g => g.Id == fragment.Group);
            var expected = blob.AsSpan((int)fragment.Offset, fragment.Length).ToArray();
            foreach (var (url, _) in group.Members)
            {
                var stored = await StoreProbe.NeedleAsync(url, fragment.FileId, cancellationToken);
                Assert.True(expected.AsSpan().SequenceEqual(stored), $"fragment {fragment.Index} ({fragment.FileId}) on {url} differs from the blob");
            }
        }

        Assert.Equal(blob, await RegistryApi.GetBlobAsync(client, "layout/blob", digest, cancellationToken));
    }

    [Fact]
    public async Task SpeedyServer_LayoutFromTheConfigFileAndTheEnvironment_IsHonouredWithTheEnvironmentFirst()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("server-layout-config");
        var config = temp.Combine("speedy.json");
        await File.WriteAllTextAsync(config, """{ "ChunkServers": 2, "Replicas": 2 }""", cancellationToken);

        await using var server = await AllInOneServer.StartAsync(
            temp.CreateSubdirectory("data"),
            ["--config", config],
            output,
            cancellationToken,
            new Dictionary<string, string> { ["SPEEDY_CHUNKSERVERS"] = "4" });

        Assert.Equal([1u, 1u, 2u, 2u], server.ChunkServers.Select(s => s.Group));
        var topology = await StoreProbe.TopologyAsync(server.MasterUrl, cancellationToken);
        Assert.Equal([2, 2], topology.Select(group => group.Members.Count));
    }

    [Theory]
    [InlineData("3", "2", "multiple of --replicas")]
    [InlineData("1", "2", "multiple of --replicas")]
    [InlineData("0", "1", "between 1 and 64")]
    [InlineData("2", "0", "between 1 and 64")]
    public async Task SpeedyServer_WithChunkServersNotAPositiveMultipleOfReplicas_ExitsWithCode2InOneLine(string chunkServers, string replicas, string expected)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("server-bad-layout");
        var data = temp.Combine("data");

        var result = await AllInOneCommand.RunAsync(
            ["server", "--listen", $"127.0.0.1:{FreePort.Next()}", "--data", data, "--chunk-servers", chunkServers, "--replicas", replicas],
            output,
            cancellationToken);

        Assert.Equal(2, result.ExitCode);
        var line = AllInOneCommand.SingleErrorLine(result);
        Assert.StartsWith("speedy server: ", line, StringComparison.Ordinal);
        Assert.Contains(expected, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(data), "a refused start created the data directory");
    }
}
