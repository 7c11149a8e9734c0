using System.Net;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ChunkServer.Tests;

/// <summary>Volumes filling up under writes: a full volume is sealed and the writes go on in new ones, never refused.</summary>
public sealed class VolumeRolloverTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Post_WhenItsVolumeFills_GoesToANewVolume()
    {
        var options = TestChunkServer.OptionsFor(_directory.Path);
        options.VolumeSize = 1L << 20;
        options.WritableVolumes = 1;
        await using var server = await TestChunkServer.StartAsync(options, Token);

        var fileIds = new List<FileId>();
        for (var i = 0; i < 20; i++)
        {
            fileIds.Add(await ChunkApi.PostFileIdAsync(server.Client, Payload.Create((ulong)i, 200_000), Token));
        }

        for (var i = 0; i < 20; i++)
        {
            Assert.Equal(Payload.Create((ulong)i, 200_000), await ChunkApi.GetAsync(server.Client, fileIds[i], Token));
        }

        var volumes = await ChunkApi.VolumesAsync(server.Client, Token);
        Assert.True(volumes.Count >= 4, $"{volumes.Count} volumes for 4 MB of needles in 1 MiB volumes");
        Assert.Contains(volumes, v => v.Sealed && v.SealReason == "Full");
    }

    [Fact]
    public async Task Post_UnderManyConcurrentWriters_NeverRefusesWhileTheDiskHasRoom()
    {
        var options = TestChunkServer.OptionsFor(_directory.Path);
        options.VolumeSize = 1L << 20;
        await using var server = await TestChunkServer.StartAsync(options, Token);

        var writers = new Task<List<(FileId, ulong)>>[16];
        for (var w = 0; w < writers.Length; w++)
        {
            var writer = (ulong)w;
            writers[w] = Task.Run(
                async () =>
                {
                    var written = new List<(FileId, ulong)>();
                    for (var i = 0ul; i < 25; i++)
                    {
                        var seed = (writer << 32) | i;
                        written.Add((await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(seed, 60_000), Token), seed));
                    }

                    return written;
                },
                Token);
        }

        var all = (await Task.WhenAll(writers)).SelectMany(w => w).ToList();

        Assert.Equal(all.Count, all.Select(w => w.Item1).Distinct().Count());
        foreach (var (fileId, seed) in all)
        {
            Assert.Equal(Payload.Create(seed, 60_000), await ChunkApi.GetAsync(server.Client, fileId, Token));
        }
    }

    [Fact]
    public async Task Post_ThatDoesNotFitItsVolume_SealsItAndGoesToANewOne()
    {
        var options = TestChunkServer.OptionsFor(_directory.Path);
        options.VolumeSize = 4L << 20;
        options.WritableVolumes = 1;
        await using var server = await TestChunkServer.StartAsync(options, Token);
        var first = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 3 << 20), Token);

        var second = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(2, 2 << 20), Token);

        Assert.NotEqual(first.Volume, second.Volume);
        Assert.Equal("Full", (await ChunkApi.VolumeAsync(server.Client, first.Volume, Token)).SealReason);
        Assert.Equal(Payload.Create(1, 3 << 20), await ChunkApi.GetAsync(server.Client, first, Token));
        Assert.Equal(Payload.Create(2, 2 << 20), await ChunkApi.GetAsync(server.Client, second, Token));
        var small = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(3, 1000), Token);
        Assert.Equal(Payload.Create(3, 1000), await ChunkApi.GetAsync(server.Client, small, Token));
    }

    [Fact]
    public async Task Post_LargerThanAVolumeTakes_Returns413AndCreatesNoVolume()
    {
        var options = TestChunkServer.OptionsFor(_directory.Path);
        options.VolumeSize = 1L << 20;
        await using var server = await TestChunkServer.StartAsync(options, Token);
        var before = await ChunkApi.VolumesAsync(server.Client, Token);

        using var content = new ByteArrayContent(new byte[(1 << 20) - 100]);
        using var response = await server.Client.PostAsync("/needles", content, Token);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("at most", await ChunkApi.ErrorAsync(response, Token), StringComparison.Ordinal);
        Assert.Equal(before, await ChunkApi.VolumesAsync(server.Client, Token));
    }

    [Fact]
    public async Task Post_UpToTheLargestNeedleAVolumeTakes_IsStored_AndBeyondIt_Returns413()
    {
        var options = TestChunkServer.OptionsFor(_directory.Path);
        options.VolumeSize = 1L << 20;
        await using var server = await TestChunkServer.StartAsync(options, Token);
        var health = await ChunkApi.HealthAsync(server.Client, Token);
        Assert.Equal(2, health.WritableVolumes);

        var largest = await LargestAcceptedAsync(server.Client);

        Assert.InRange(largest, (1 << 20) - (64 << 10), 1 << 20);
        var fileId = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(7, largest), Token);
        Assert.Equal(Payload.Create(7, largest), await ChunkApi.GetAsync(server.Client, fileId, Token));
    }

    /// <summary>Binary search over POST sizes between 0.9 and 1 MiB: the largest that is stored (and reads back).</summary>
    private static async Task<int> LargestAcceptedAsync(HttpClient client)
    {
        int low = 900_000, high = 1 << 20;
        while (low < high)
        {
            var middle = (low + high + 1) / 2;
            using var content = new ByteArrayContent(Payload.Create((ulong)middle, middle));
            using var response = await client.PostAsync("/needles", content, Token);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                low = middle;
            }
            else
            {
                Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
                high = middle - 1;
            }
        }

        return low;
    }
}
