using System.Net;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ChunkServer.Tests;

/// <summary><c>GET /volumes</c>, compaction, sealing and health over HTTP.</summary>
public sealed class VolumeApiTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Volumes_ListsEachVolumeWithSizeLiveBytesGarbageAndSealed()
    {
        await using var server = await StartAsync(writableVolumes: 1);
        var fileId = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 4096), Token);

        var volume = await ChunkApi.VolumeAsync(server.Client, fileId.Volume, Token);

        Assert.Equal(1u, volume.Group);
        Assert.Equal(_directory.Path, volume.Directory);
        Assert.Equal(64 + 4136, volume.Size);
        Assert.Equal(16L << 20, volume.MaxSize);
        Assert.Equal(volume.Size, volume.LiveBytes);
        Assert.Equal(0, volume.GarbageBytes);
        Assert.Equal(0, volume.GarbageRatio);
        Assert.Equal(1, volume.Needles);
        Assert.False(volume.Sealed);
        Assert.Equal("None", volume.SealReason);
        Assert.Equal(0u, volume.Revision);
    }

    [Fact]
    public async Task Compaction_MovesRecords_ButTheirFileIdsStillRead()
    {
        await using var server = await StartAsync(writableVolumes: 1);
        var first = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 100_000), Token);
        var second = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(2, 50_000), Token);
        var kept = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(3, 20_000), Token);
        Assert.Equal(first.Volume, kept.Volume);
        Assert.Equal(HttpStatusCode.NoContent, await ChunkApi.DeleteAsync(server.Client, first, Token));
        Assert.Equal(HttpStatusCode.NoContent, await ChunkApi.DeleteAsync(server.Client, second, Token));

        var compaction = await ChunkApi.CompactAsync(server.Client, kept.Volume, Token);

        // The kept needle was written after 150 kB that are gone now, so its offset changed; its file id did not.
        Assert.Equal(kept.Volume.Value, compaction.Id);
        Assert.True(compaction.SizeAfter < compaction.SizeBefore - 150_000, $"{compaction}");
        Assert.Equal(1, compaction.Needles);
        Assert.Equal(Payload.Create(3, 20_000), await ChunkApi.GetAsync(server.Client, kept, Token));
        Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.StatusOfGetAsync(server.Client, first.ToString(), Token));
        var volume = await ChunkApi.VolumeAsync(server.Client, kept.Volume, Token);
        Assert.Equal(1u, volume.Revision);
        Assert.Equal(compaction.SizeAfter, volume.Size);
    }

    [Fact]
    public async Task GarbageRatio_RisesAfterDeletes_AndFallsAfterCompaction()
    {
        await using var server = await StartAsync(writableVolumes: 1);
        var fileIds = new List<FileId>();
        for (var i = 0; i < 10; i++)
        {
            fileIds.Add(await ChunkApi.PostFileIdAsync(server.Client, Payload.Create((ulong)i, 10_000), Token));
        }

        var volumeId = fileIds[0].Volume;
        var clean = await ChunkApi.VolumeAsync(server.Client, volumeId, Token);
        for (var i = 0; i < 10; i += 2)
        {
            Assert.Equal(HttpStatusCode.NoContent, await ChunkApi.DeleteAsync(server.Client, fileIds[i], Token));
        }

        var dirty = await ChunkApi.VolumeAsync(server.Client, volumeId, Token);
        await ChunkApi.CompactAsync(server.Client, volumeId, Token);
        var compacted = await ChunkApi.VolumeAsync(server.Client, volumeId, Token);

        Assert.Equal(0, clean.GarbageRatio);
        Assert.Equal(10, clean.Needles);
        Assert.True(dirty.GarbageBytes >= 5 * 10_000, $"{dirty}");
        Assert.Equal(dirty.Size - dirty.GarbageBytes, dirty.LiveBytes);
        Assert.InRange(dirty.GarbageRatio, 0.45, 0.6);
        Assert.Equal(5, dirty.Needles);
        Assert.True(compacted.GarbageRatio < 0.01, $"{compacted}");
        Assert.True(compacted.Size < dirty.Size - (5 * 10_000), $"{compacted}");
        Assert.Equal(5, compacted.Needles);
        for (var i = 1; i < 10; i += 2)
        {
            Assert.Equal(Payload.Create((ulong)i, 10_000), await ChunkApi.GetAsync(server.Client, fileIds[i], Token));
        }
    }

    [Fact]
    public async Task Seal_SendsTheNextPostToAnotherVolume_AndKeepsServingReads()
    {
        await using var server = await StartAsync(writableVolumes: 1);
        var before = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 1000), Token);

        var sealedStatus = await ChunkApi.SealAsync(server.Client, before.Volume, Token);
        var after = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(2, 1000), Token);

        Assert.True(sealedStatus.Sealed);
        Assert.Equal("Requested", sealedStatus.SealReason);
        Assert.NotEqual(before.Volume, after.Volume);
        Assert.Equal(Payload.Create(1, 1000), await ChunkApi.GetAsync(server.Client, before, Token));
        Assert.True((await ChunkApi.VolumeAsync(server.Client, before.Volume, Token)).Sealed);
        Assert.False((await ChunkApi.VolumeAsync(server.Client, after.Volume, Token)).Sealed);
    }

    [Fact]
    public async Task Put_IntoASealedVolume_Returns409()
    {
        await using var server = await StartAsync(writableVolumes: 1);
        var existing = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 1000), Token);
        await ChunkApi.SealAsync(server.Client, existing.Volume, Token);
        var target = existing with { Needle = new NeedleId(existing.Needle.Value + 1) };

        using var content = new ByteArrayContent(Payload.Create(2, 1000));
        using var response = await server.Client.PutAsync($"/needles/{target}", content, Token);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("sealed", await ChunkApi.ErrorAsync(response, Token), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.StatusOfGetAsync(server.Client, target.ToString(), Token));
    }

    [Fact]
    public async Task Delete_FromASealedVolume_IsTaken_SoCompactionCanReclaimIt()
    {
        await using var server = await StartAsync(writableVolumes: 1);
        var fileId = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 1000), Token);
        await ChunkApi.SealAsync(server.Client, fileId.Volume, Token);

        Assert.Equal(HttpStatusCode.NoContent, await ChunkApi.DeleteAsync(server.Client, fileId, Token));
        Assert.Equal(HttpStatusCode.NotFound, await ChunkApi.StatusOfGetAsync(server.Client, fileId.ToString(), Token));
    }

    [Theory]
    [InlineData("compact")]
    [InlineData("seal")]
    public async Task VolumeAction_OnAnUnknownVolume_Returns404(string action)
    {
        await using var server = await StartAsync(writableVolumes: 1);

        using var response = await server.Client.PostAsync($"/volumes/4242/{action}", null, Token);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("4242", await ChunkApi.ErrorAsync(response, Token), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("compact", "abc")]
    [InlineData("seal", "-1")]
    [InlineData("compact", "4294967296")]
    public async Task VolumeAction_WithAnInvalidVolumeId_Returns400(string action, string id)
    {
        await using var server = await StartAsync(writableVolumes: 1);

        using var response = await server.Client.PostAsync($"/volumes/{id}/{action}", null, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        await ChunkApi.ErrorAsync(response, Token);
    }

    [Fact]
    public async Task Health_ReportsGroupVolumesWritableVolumesAndTheNeedleIdHighWaterMark()
    {
        await using var server = await StartAsync(writableVolumes: 2);
        var fileId = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 10), Token);
        await ChunkApi.SealAsync(server.Client, fileId.Volume, Token);

        var health = await ChunkApi.HealthAsync(server.Client, Token);

        Assert.Equal("ok", health.Status);
        Assert.Equal(1u, health.Group);
        Assert.Equal("http://127.0.0.1:0", health.Url);
        Assert.Equal((await ChunkApi.VolumesAsync(server.Client, Token)).Count, health.Volumes);
        Assert.Equal(health.Volumes - 1, health.WritableVolumes);
        Assert.True(health.FreeBytes > 0);
        Assert.True(health.NeedleIdHighWaterMark > fileId.Needle.Value, $"{health}");
    }

    [Fact]
    public async Task Health_WithTwoDirectoriesOnOneFilesystem_CountsItsFreeSpaceOnce()
    {
        await using var server = await TestChunkServer.StartAsync(TestChunkServer.OptionsFor(_directory.Combine("a"), _directory.Combine("b")), Token);

        var health = await ChunkApi.HealthAsync(server.Client, Token);

        var free = new DriveInfo(_directory.Path).AvailableFreeSpace;
        Assert.InRange(health.FreeBytes, free / 2, free + (free / 2));
    }

    private Task<TestChunkServer> StartAsync(int writableVolumes)
    {
        var options = TestChunkServer.OptionsFor(_directory.Path);
        options.WritableVolumes = writableVolumes;
        return TestChunkServer.StartAsync(options, Token);
    }
}
