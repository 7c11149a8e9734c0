using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Volume;
using Speedy.Volume.Tests;

namespace Speedy.ChunkServer.Tests;

/// <summary>
/// A chunk server whose only directory is a 16 MiB tmpfs, with volumes that would be far bigger: writers fill the
/// disk for real. The writer that hits the full disk gets a 507 saying so, the volume is sealed, and everything
/// acknowledged before still reads back — also after a restart on the still-full disk.
/// </summary>
/// <remarks>
/// A write that fails on the full disk is cut back, and so are the unacknowledged writes batched with it, which can
/// free more than a new volume needs: the server then rightly starts one. So the test writes on until the server
/// refuses without trying — no volume open and no room for a new one — which is the state that lasts.
/// </remarks>
public sealed class DiskFullTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DiskFull_Returns507_SealsTheVolume_AndEveryAcknowledgedNeedleStillReads()
    {
        using var filesystem = SmallFilesystem.TryMount(16, out var why);
        if (filesystem is null)
        {
            Assert.Skip($"needs a real full disk: {why}");
        }

        var options = TestChunkServer.OptionsFor(filesystem.Path);
        options.VolumeSize = 64L << 20;
        var server = await TestChunkServer.StartAsync(options, Token);
        try
        {
            var acknowledged = new ConcurrentBag<(FileId Id, ulong Seed, int Length)>();
            var refusals = new ConcurrentBag<string>();
            var writers = new Task[8];
            for (var w = 0; w < writers.Length; w++)
            {
                var writer = w;
                writers[w] = Task.Run(() => WriteUntilRefusedAsync(server.Client, writer, acknowledged, refusals), Token);
            }

            await Task.WhenAll(writers);

            TestContext.Current.TestOutputHelper?.WriteLine($"{acknowledged.Count} needles acknowledged; refusals: {string.Join(" | ", refusals.Distinct())}");
            Assert.True(acknowledged.Count > 40, $"only {acknowledged.Count} needles were stored before the disk filled");
            Assert.Equal(writers.Length, refusals.Count);
            Assert.Contains(refusals, r => r.Contains("disk", StringComparison.OrdinalIgnoreCase) && r.Contains("full", StringComparison.OrdinalIgnoreCase));
            await WriteUntilNoRoomAsync(server.Client, acknowledged);
            await AssertEveryNeedleReadsAsync(server.Client, acknowledged);
            var volumes = await ChunkApi.VolumesAsync(server.Client, Token);
            Assert.Contains(volumes, v => v.Sealed && v.SealReason == "DiskFull");
            Assert.All(volumes, v => Assert.True(v.Sealed, $"volume {v.Id} is not sealed on the full disk"));
            await AssertPostRefusedWith507Async(server.Client);

            server = await server.RestartAsync(Token);

            await AssertEveryNeedleReadsAsync(server.Client, acknowledged);
            Assert.Contains(await ChunkApi.VolumesAsync(server.Client, Token), v => v.Sealed && v.SealReason == "DiskFull");
            await AssertPostRefusedWith507Async(server.Client);
            Assert.Equal("ok", (await ChunkApi.HealthAsync(server.Client, Token)).Status);
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Posts 24–200 KiB needles until the server refuses one; only 201 and 507 are acceptable answers.</summary>
    private static async Task WriteUntilRefusedAsync(HttpClient client, int writer, ConcurrentBag<(FileId, ulong, int)> acknowledged, ConcurrentBag<string> refusals)
    {
        var random = new Random(writer);
        for (var i = 0; ; i++)
        {
            var seed = ((ulong)writer << 32) | (uint)i;
            var length = random.Next(24 << 10, 200 << 10);
            using var content = new ByteArrayContent(Payload.Create(seed, length));
            using var response = await client.PostAsync("/needles", content, Token);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var written = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.NeedleWritten, Token);
                Assert.NotNull(written);
                acknowledged.Add((FileId.Parse(written.Fid), seed, length));
                continue;
            }

            await ChunkApi.ExpectAsync(response, HttpStatusCode.InsufficientStorage, Token);
            refusals.Add(await ChunkApi.ErrorAsync(response, Token));
            return;
        }
    }

    /// <summary>Posts 64 KiB needles until the server refuses one because no volume is open and no directory has room.</summary>
    private static async Task WriteUntilNoRoomAsync(HttpClient client, ConcurrentBag<(FileId, ulong, int)> acknowledged)
    {
        for (var i = 0u; i < 500; i++)
        {
            var seed = (1UL << 60) | i;
            using var content = new ByteArrayContent(Payload.Create(seed, 64 << 10));
            using var response = await client.PostAsync("/needles", content, Token);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                var written = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.NeedleWritten, Token);
                Assert.NotNull(written);
                acknowledged.Add((FileId.Parse(written.Fid), seed, 64 << 10));
                continue;
            }

            await ChunkApi.ExpectAsync(response, HttpStatusCode.InsufficientStorage, Token);
            if ((await ChunkApi.ErrorAsync(response, Token)).StartsWith("no volume can take", StringComparison.Ordinal))
            {
                return;
            }
        }

        Assert.Fail("the server kept taking needles on a 16 MiB disk");
    }

    private static async Task AssertEveryNeedleReadsAsync(HttpClient client, IEnumerable<(FileId Id, ulong Seed, int Length)> needles)
    {
        foreach (var (id, seed, length) in needles)
        {
            Assert.Equal(Payload.Create(seed, length), await ChunkApi.GetAsync(client, id, Token));
        }
    }

    private static async Task AssertPostRefusedWith507Async(HttpClient client)
    {
        using var content = new ByteArrayContent(Payload.Create(1, 64 << 10));
        using var response = await client.PostAsync("/needles", content, Token);
        Assert.Equal(HttpStatusCode.InsufficientStorage, response.StatusCode);
        Assert.Contains("full", await ChunkApi.ErrorAsync(response, Token), StringComparison.OrdinalIgnoreCase);
    }
}
