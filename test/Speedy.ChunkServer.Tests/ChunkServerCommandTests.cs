using System.Net;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Testing;

namespace Speedy.ChunkServer.Tests;

/// <summary><c>speedy chunkserver</c> as a real process: its flags, its refusals, standalone running and a clean stop.</summary>
public sealed class ChunkServerCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Chunkserver_WithAnUnreachableMaster_RunsStandalone_AndOnlyWarns()
    {
        var nobody = $"http://127.0.0.1:{FreePort.Next()}";
        await using var server = await ChunkServerProcess.StartAsync(["--dir", _directory.Path, "--group", "3", "--master", nobody, "--volume-size", "8388608"], Token);
        using var client = new HttpClient { BaseAddress = server.Address };

        var data = Payload.Create(1, 100_000);
        var written = await ChunkApi.PostAsync(client, data, Token);
        Assert.StartsWith("3.", written.Fid, StringComparison.Ordinal);
        Assert.Equal(data, await ChunkApi.GetAsync(client, Speedy.Volume.FileId.Parse(written.Fid), Token));
        var volume = Assert.Single(await ChunkApi.VolumesAsync(client, Token), v => v.Needles == 1);
        Assert.Equal(8L << 20, volume.MaxSize);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!server.Output.Contains($"heartbeat to master {nobody} failed", StringComparison.Ordinal) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100, Token);
        }

        Assert.Contains($"heartbeat to master {nobody} failed", server.Output, StringComparison.Ordinal);
        Assert.Contains("warn", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("fail:", server.Output, StringComparison.Ordinal);
        Assert.Equal("ok", (await ChunkApi.HealthAsync(client, Token)).Status);
    }

    [Fact]
    public async Task Chunkserver_StoppedWithSigterm_ExitsCleanly_AndKeepsItsNeedles()
    {
        string[] arguments = ["--dir", _directory.Path, "--volume-size", "8388608"];
        Speedy.Volume.FileId fileId;
        var data = Payload.Create(2, 30_000);
        await using (var server = await ChunkServerProcess.StartAsync(arguments, Token))
        {
            using var client = new HttpClient { BaseAddress = server.Address };
            fileId = await ChunkApi.PostFileIdAsync(client, data, Token);

            server.Terminate();
            await server.WaitForExitAsync(Token);
            Assert.Equal(0, server.ExitCode);
        }

        await using var restarted = await ChunkServerProcess.StartAsync(arguments, Token);
        using var again = new HttpClient { BaseAddress = restarted.Address };
        Assert.Equal(data, await ChunkApi.GetAsync(again, fileId, Token));
    }

    [Theory]
    [InlineData("--group", "0", "group")]
    [InlineData("--volume-size", "1000", "volume size")]
    [InlineData("--master", "not a url", "not a url")]
    [InlineData("--listen", "localhost", "listen")]
    [InlineData("--listen", "chunk-1.internal:7001", "listen")]
    [InlineData("--public-url", "chunk-1:7001", "public URL")]
    [InlineData("--replace", "http://chunk-3:7001", "--replace needs --master")]
    public async Task Chunkserver_WithAnInvalidSetting_ExitsWith2AndSaysWhich(string flag, string value, string named)
    {
        var (exitCode, output) = await ChunkServerProcess.RunToExitAsync(["--dir", _directory.Path, flag, value], Token);

        Assert.Equal(2, exitCode);
        Assert.Contains("speedy chunkserver:", output, StringComparison.Ordinal);
        Assert.Contains(named, output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunkserver_OnADirectoryOfAnotherGroup_ExitsWith2AndSaysSo()
    {
        await using (var server = await ChunkServerProcess.StartAsync(["--dir", _directory.Path, "--group", "1", "--volume-size", "8388608"], Token))
        {
            using var client = new HttpClient { BaseAddress = server.Address };
            await ChunkApi.PostAsync(client, Payload.Create(1, 10), Token);
        }

        var (exitCode, output) = await ChunkServerProcess.RunToExitAsync(["--dir", _directory.Path, "--group", "2", "--listen", $"127.0.0.1:{FreePort.Next()}"], Token);

        Assert.Equal(2, exitCode);
        Assert.Contains("belongs to group 1, not 2", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunkserver_WithAnUnfinishedCopy_AndNoMaster_ExitsWith2_InsteadOfServingAPartialGroup()
    {
        Directory.CreateDirectory(_directory.Path);
        await File.WriteAllBytesAsync(_directory.Combine("syncing"), [], Token);

        var (exitCode, output) = await ChunkServerProcess.RunToExitAsync(["--dir", _directory.Path, "--listen", $"127.0.0.1:{FreePort.Next()}"], Token);

        Assert.Equal(2, exitCode);
        Assert.Contains("has not finished copying its group's volumes", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunkserver_WithoutADirectory_ExitsWith2()
    {
        var (exitCode, output) = await ChunkServerProcess.RunToExitAsync(["--group", "1"], Token);

        Assert.Equal(2, exitCode);
        Assert.Contains("--dir", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chunkserver_OnAPortInUse_ExitsWith2AndSaysSo()
    {
        await using var first = await ChunkServerProcess.StartAsync(["--dir", _directory.Combine("a"), "--volume-size", "8388608"], Token);

        var (exitCode, output) = await ChunkServerProcess.RunToExitAsync(["--dir", _directory.Combine("b"), "--listen", first.Address.Authority], Token);

        Assert.Equal(2, exitCode);
        Assert.Contains("cannot listen", output, StringComparison.Ordinal);
        using var client = new HttpClient { BaseAddress = first.Address };
        using var health = await client.GetAsync("/health", Token);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }
}
