using System.Net;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ChunkServer.Tests;

/// <summary>A chunk server stopped and started again on the same directories.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Restart_KeepsEveryNeedleAndEveryDelete()
    {
        var options = TestChunkServer.OptionsFor(_directory.Combine("a"), _directory.Combine("b"));
        var server = await TestChunkServer.StartAsync(options, Token);
        try
        {
            var live = new List<(FileId Id, ulong Seed, int Length)>();
            var deleted = new List<FileId>();
            for (var i = 0; i < 60; i++)
            {
                var length = (i * 7919) % 70_000;
                var fileId = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create((ulong)i, length), Token);
                if (i % 4 == 0)
                {
                    Assert.Equal(HttpStatusCode.NoContent, await ChunkApi.DeleteAsync(server.Client, fileId, Token));
                    deleted.Add(fileId);
                }
                else
                {
                    live.Add((fileId, (ulong)i, length));
                }
            }

            var volumesBefore = await ChunkApi.VolumesAsync(server.Client, Token);
            server = await server.RestartAsync(Token);

            foreach (var (id, seed, length) in live)
            {
                Assert.Equal(Payload.Create(seed, length), await ChunkApi.GetAsync(server.Client, id, Token));
            }

            foreach (var id in deleted)
            {
                Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.StatusOfGetAsync(server.Client, id.ToString(), Token));
            }

            var volumesAfter = await ChunkApi.VolumesAsync(server.Client, Token);
            Assert.Equal(volumesBefore, volumesAfter);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task NeedleIds_NeverRepeat_AcrossRestarts()
    {
        var seen = new HashSet<ulong>();
        ulong highest = 0;
        for (var round = 0; round < 3; round++)
        {
            await using var server = await TestChunkServer.StartAsync(_directory.Path, Token);
            var health = await ChunkApi.HealthAsync(server.Client, Token);
            Assert.True(health.NeedleIdHighWaterMark > highest, $"round {round}: the high-water mark {health.NeedleIdHighWaterMark} is not above {highest}");
            for (var i = 0; i < 25; i++)
            {
                var fileId = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create((ulong)i, 10), Token);
                Assert.True(fileId.Needle.Value > highest, $"round {round}: needle id {fileId.Needle} is not above {highest}, the highest before the restart");
                Assert.True(seen.Add(fileId.Needle.Value), $"needle id {fileId.Needle} handed out twice");
            }

            highest = seen.Max();
        }
    }

    [Fact]
    public async Task Restart_KeepsASealedVolumeSealed()
    {
        var options = TestChunkServer.OptionsFor(_directory.Path);
        options.WritableVolumes = 1;
        var server = await TestChunkServer.StartAsync(options, Token);
        try
        {
            var fileId = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 100), Token);
            await ChunkApi.SealAsync(server.Client, fileId.Volume, Token);

            server = await server.RestartAsync(Token);

            var volume = await ChunkApi.VolumeAsync(server.Client, fileId.Volume, Token);
            Assert.True(volume.Sealed);
            Assert.Equal("Requested", volume.SealReason);
            Assert.NotEqual(fileId.Volume, (await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(2, 100), Token)).Volume);
            Assert.Equal(Payload.Create(1, 100), await ChunkApi.GetAsync(server.Client, fileId, Token));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    [Fact]
    public async Task Start_WithAVolumeOfAnotherGroup_RefusesToRun()
    {
        var options = TestChunkServer.OptionsFor(_directory.Path);
        await using (var server = await TestChunkServer.StartAsync(options, Token))
        {
            await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 100), Token);
        }

        options.Group = 2;
        var error = await Assert.ThrowsAsync<InvalidDataException>(() => TestChunkServer.StartAsync(options, Token));
        Assert.Contains("group", error.Message, StringComparison.Ordinal);
    }
}
