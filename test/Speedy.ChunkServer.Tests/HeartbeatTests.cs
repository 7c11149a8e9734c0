using Microsoft.Extensions.Logging;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ChunkServer.Tests;

/// <summary>What a chunk server tells its masters, and that it runs without one.</summary>
public sealed class HeartbeatTests : IDisposable
{
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(10);
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task FakeMaster_ReceivesHeartbeats_WithGroupUrlVolumesAndHighWaterMark()
    {
        await using var master = await FakeMaster.StartAsync(Token);
        var options = TestChunkServer.OptionsFor(_directory.Path);
        options.Group = 7;
        options.Masters = [master.Url.ToString()];
        options.PublicUrl = "http://chunk-7a.internal:7001";
        await using var server = await TestChunkServer.StartAsync(options, Token);

        var first = await master.NextAsync(_ => true, s_wait, Token);
        var fileId = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 1000), Token);
        await ChunkApi.SealAsync(server.Client, fileId.Volume, Token);
        var later = await master.NextAsync(h => h.Volumes.Any(v => v.Id == fileId.Volume.Value && v.Sealed), s_wait, Token);

        Assert.Equal(7u, first.Group);
        Assert.Equal("http://chunk-7a.internal:7001", first.Url);
        Assert.Equal(options.WritableVolumes, first.Volumes.Count);
        Assert.All(first.Volumes, v => Assert.Equal(7u, v.Group));
        Assert.True(first.FreeBytes > 0);
        Assert.Equal(7u, later.Group);
        Assert.True(later.NeedleIdHighWaterMark > fileId.Needle.Value, $"high-water mark {later.NeedleIdHighWaterMark}, needle {fileId.Needle}");
        var volume = Assert.Single(later.Volumes, v => v.Id == fileId.Volume.Value);
        Assert.Equal(1, volume.Needles);
        Assert.Equal("Requested", volume.SealReason);
        Assert.Equal(await ChunkApi.VolumesAsync(server.Client, Token), later.Volumes);
    }

    [Fact]
    public async Task Heartbeat_GoesToEveryMaster()
    {
        await using var one = await FakeMaster.StartAsync(Token);
        await using var two = await FakeMaster.StartAsync(Token);
        var options = TestChunkServer.OptionsFor(_directory.Path);
        options.Masters = [one.Url.ToString(), two.Url.ToString()];
        await using var server = await TestChunkServer.StartAsync(options, Token);

        var fromOne = await one.NextAsync(_ => true, s_wait, Token);
        var fromTwo = await two.NextAsync(_ => true, s_wait, Token);

        Assert.Equal(fromOne.Url, fromTwo.Url);
        Assert.Equal("http://127.0.0.1:0", fromOne.Url);
    }

    [Fact]
    public async Task UnreachableMaster_OnlyLogsAWarning_AndTheServerKeepsServing()
    {
        var options = TestChunkServer.OptionsFor(_directory.Path);
        var nobody = $"http://127.0.0.1:{FreePort.Next()}";
        options.Masters = [nobody];
        await using var server = await TestChunkServer.StartAsync(options, Token);

        var deadline = DateTime.UtcNow + s_wait;
        var failures = 0;
        while (failures < 3 && DateTime.UtcNow < deadline)
        {
            var data = Payload.Create((ulong)failures, 5000);
            var fileId = await ChunkApi.PostFileIdAsync(server.Client, data, Token);
            Assert.Equal(data, await ChunkApi.GetAsync(server.Client, fileId, Token));
            await Task.Delay(100, Token);
            failures = server.Logs.Entries.Count(e => e.Message.Contains("heartbeat to master", StringComparison.Ordinal));
        }

        Assert.True(failures >= 3, "the failed heartbeats were not logged each interval");
        var heartbeatLogs = server.Logs.Entries.Where(e => e.Message.Contains("heartbeat to master", StringComparison.Ordinal)).ToList();
        Assert.All(heartbeatLogs, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.All(heartbeatLogs, e => Assert.Contains(nobody, e.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.Equal("ok", (await ChunkApi.HealthAsync(server.Client, Token)).Status);
    }

    [Fact]
    public async Task MasterAnsweringAnError_OnlyLogsAWarning_AndTheOtherMastersStillGetHeartbeats()
    {
        await using var master = await FakeMaster.StartAsync(Token);
        var wrongPrefix = new Uri(master.Url, "/no-such-prefix/").ToString();
        var options = TestChunkServer.OptionsFor(_directory.Path);
        options.Masters = [wrongPrefix, master.Url.ToString()];
        await using var server = await TestChunkServer.StartAsync(options, Token);

        await master.NextAsync(_ => true, s_wait, Token);
        await master.NextAsync(_ => true, s_wait, Token);

        var warnings = server.Logs.Entries.Where(e => e.Message.Contains(wrongPrefix, StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(warnings);
        Assert.All(warnings, e => Assert.Equal(LogLevel.Warning, e.Level));
        Assert.All(warnings, e => Assert.Contains("404", e.Message, StringComparison.Ordinal));
        Assert.DoesNotContain(server.Logs.Entries, e => e.Level >= LogLevel.Error);
        Assert.Equal("ok", (await ChunkApi.HealthAsync(server.Client, Token)).Status);
    }

    [Theory]
    [InlineData("http://master:9333", "http://master:9333/v1/heartbeat")]
    [InlineData("http://master:9333/", "http://master:9333/v1/heartbeat")]
    [InlineData("https://lb.internal/speedy/master", "https://lb.internal/speedy/master/v1/heartbeat")]
    [InlineData("https://lb.internal/speedy/master/", "https://lb.internal/speedy/master/v1/heartbeat")]
    public void HeartbeatUrl_IsUnderTheMastersUrl_KeepingItsPath(string master, string expected)
    {
        Assert.Equal(new Uri(expected), MasterHeartbeat.HeartbeatUrl(master));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://master:21")]
    [InlineData("/relative")]
    public void Options_WithAMasterThatIsNotAnHttpUrl_AreRejected(string master)
    {
        var options = TestChunkServer.OptionsFor(_directory.Path);
        options.Masters = [master];

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(master, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoMaster_SendsNothing_AndLogsNoHeartbeatFailure()
    {
        await using var server = await TestChunkServer.StartAsync(_directory.Path, Token);
        await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 10), Token);
        await Task.Delay(300, Token);

        Assert.DoesNotContain(server.Logs.Entries, e => e.Message.Contains("heartbeat", StringComparison.Ordinal));
        Assert.Equal(new VolumeId(1), new VolumeId((await ChunkApi.VolumesAsync(server.Client, Token))[0].Id));
    }
}
