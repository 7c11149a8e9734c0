using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests.AllInOne;

/// <summary>`speedy server` stopped (SIGTERM, or SIGKILL) and started again on the same `--data`: everything pushed before is still there.</summary>
public sealed class AllInOneRestartTests(ITestOutputHelper output)
{
    /// <summary>The third layer spans three 1 MiB fragments.</summary>
    private static readonly int[] s_layerSizes = [10_000, 300_000, 2_500_000];

    [Fact]
    public async Task SpeedyServer_RestartedAfterSigterm_PullsEveryImagePushedBeforeByteIdentical()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("server-restart");
        var data = temp.CreateSubdirectory("data");
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", s_layerSizes, output, cancellationToken);

        IReadOnlyList<(Uri Url, uint Group)> firstServers;
        await using (var first = await AllInOneServer.StartAsync(data, ["--fragment-size", "1048576"], output, cancellationToken))
        {
            await Skopeo.CopyAsync(image.Reference, $"docker://{first.Authority}/restart/app:v1", output, cancellationToken, "--dest-tls-verify=false");
            firstServers = first.ChunkServers;
            Assert.Equal(0, await first.TerminateAsync(cancellationToken));
            Assert.Contains("speedy server: listening on", first.Output, StringComparison.Ordinal);
        }

        // The data directory of the all-in-one: the meta server's SQLite database and one directory per chunk server.
        Assert.True(File.Exists(Path.Combine(data, "meta", "meta.db")), "meta/meta.db is missing");
        Assert.True(Directory.Exists(Path.Combine(data, "chunk-1")), "chunk-1 is missing");
        Assert.True(Directory.Exists(Path.Combine(data, "chunk-2")), "chunk-2 is missing");
        Assert.True(File.Exists(Path.Combine(data, "cluster.json")), "cluster.json is missing");
        Assert.False(Directory.Exists(Path.Combine(data, "registry")), "the registry keeps its state in the store, not under data/registry");

        await using var second = await AllInOneServer.StartAsync(data, ["--fragment-size", "1048576"], output, cancellationToken);
        Assert.Equal(firstServers.Select(server => server.Group), second.ChunkServers.Select(server => server.Group));
        var pulled = new OciLayout(temp.Combine("pulled"));
        await Skopeo.CopyAsync($"docker://{second.Authority}/restart/app:v1", pulled.Reference("v1"), output, cancellationToken, "--src-tls-verify=false");
        OciAssert.SameContent(image.Layout, image.Manifest, pulled, "v1");
    }

    [Fact]
    public async Task SpeedyServer_KilledWithSigkill_RestartsWithEveryImageItAcknowledged()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("server-sigkill");
        var data = temp.CreateSubdirectory("data");
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", s_layerSizes, output, cancellationToken);

        await using (var first = await AllInOneServer.StartAsync(data, ["--fragment-size", "1048576"], output, cancellationToken))
        {
            await Skopeo.CopyAsync(image.Reference, $"docker://{first.Authority}/killed/app:v1", output, cancellationToken, "--dest-tls-verify=false");
            await first.KillAsync();
        }

        await using var second = await AllInOneServer.StartAsync(data, ["--fragment-size", "1048576"], output, cancellationToken);
        var pulled = new OciLayout(temp.Combine("pulled"));
        await Skopeo.CopyAsync($"docker://{second.Authority}/killed/app:v1", pulled.Reference("v1"), output, cancellationToken, "--src-tls-verify=false");
        OciAssert.SameContent(image.Layout, image.Manifest, pulled, "v1");
    }

    [Fact]
    public async Task SpeedyServer_RestartedWithOtherReplicasOrFewerChunkServers_ExitsWithCode2InOneLine()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("server-layout");
        var data = temp.CreateSubdirectory("data");
        await using (var first = await AllInOneServer.StartAsync(data, ["--chunk-servers", "4", "--replicas", "2"], output, cancellationToken))
        {
            Assert.Equal(0, await first.TerminateAsync(cancellationToken));
        }

        var otherReplicas = await AllInOneCommand.RunAsync(["server", "--listen", $"127.0.0.1:{FreePort.Next()}", "--data", data, "--replicas", "1"], output, cancellationToken);
        Assert.Equal(2, otherReplicas.ExitCode);
        var line = AllInOneCommand.SingleErrorLine(otherReplicas);
        Assert.StartsWith("speedy server: ", line, StringComparison.Ordinal);
        Assert.Contains("groups of 2", line, StringComparison.Ordinal);

        var fewer = await AllInOneCommand.RunAsync(["server", "--listen", $"127.0.0.1:{FreePort.Next()}", "--data", data, "--chunk-servers", "2"], output, cancellationToken);
        Assert.Equal(2, fewer.ExitCode);
        Assert.Contains("holds 4 chunk servers", AllInOneCommand.SingleErrorLine(fewer), StringComparison.Ordinal);

        // Neither refused start changed the data: the recorded layout still starts.
        await using var again = await AllInOneServer.StartAsync(data, [], output, cancellationToken);
        Assert.Equal([1u, 1u, 2u, 2u], again.ChunkServers.Select(server => server.Group));
    }
}
