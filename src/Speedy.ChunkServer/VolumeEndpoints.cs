using Microsoft.AspNetCore.Http;
using Speedy.Volume;

namespace Speedy.ChunkServer;

/// <summary>
/// <c>GET /volumes</c>, <c>GET /volumes/{id}/needles</c>, <c>POST /volumes/{id}/compact</c>,
/// <c>POST /volumes/{id}/seal</c> and <c>GET /health</c>.
/// </summary>
internal static class VolumeEndpoints
{
    public static IResult List(VolumeSet volumes) => Results.Json(Statuses(volumes), ChunkJsonContext.Default.ListVolumeStatus);

    /// <summary>
    /// The volume's live needles up to its durable end, read from the data file's headers with the volume's gate
    /// held, so no compaction swaps the file meanwhile. Records before the durable end never change, so the answer is
    /// exact for that end; appends after it are left out.
    /// </summary>
    public static Task<IResult> ManifestAsync(VolumeSet volumes, uint id, CancellationToken cancellationToken) =>
        WithGateAsync(volumes, id, volume =>
        {
            using var file = File.OpenHandle(volumes.DataPathOf(volume.Id), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            var revision = volume.Revision;
            var end = volume.DurableOffset;
            var needles = RecordLayout.ListNeedles(file, volume.Id, revision, end);
            var manifest = new VolumeManifest(id, revision, end, volume.MaxSize, volume.IsSealed, needles);
            return Task.FromResult(Results.Json(manifest, ChunkJsonContext.Default.VolumeManifest));
        }, cancellationToken);

    public static Task<IResult> CompactAsync(VolumeSet volumes, uint id, CancellationToken cancellationToken) =>
        WithGateAsync(volumes, id, async volume =>
        {
            var result = await volume.CompactAsync(cancellationToken);
            return Results.Json(new CompactionStatus(id, result.BytesBefore, result.BytesAfter, result.Needles), ChunkJsonContext.Default.CompactionStatus);
        }, cancellationToken);

    public static async Task<IResult> SealAsync(VolumeSet volumes, uint id, CancellationToken cancellationToken)
    {
        volumes.ThrowIfSyncing();
        var volume = volumes.Find(new VolumeId(id));
        if (volume is null)
        {
            return ChunkResults.Error(StatusCodes.Status404NotFound, $"volume {id} not found");
        }

        await volume.SealAsync(cancellationToken);
        return Results.Json(Status(volumes, volume), ChunkJsonContext.Default.VolumeStatus);
    }

    public static IResult Health(VolumeSet volumes, NeedleRepairer repairer, ChunkServerOptions options)
    {
        var all = volumes.Snapshot();
        var writable = 0;
        foreach (var volume in all)
        {
            writable += volume.IsSealed ? 0 : 1;
        }

        var health = new HealthStatus(
            "ok",
            options.Group,
            options.EffectivePublicUrl,
            all.Count,
            writable,
            volumes.TotalFreeBytes(),
            volumes.NeedleIdHighWaterMark,
            volumes.IsSyncing ? "syncing" : "ready",
            repairer.CorruptNeedles,
            repairer.RepairedNeedles,
            repairer.FailedRepairs);
        return Results.Json(health, ChunkJsonContext.Default.HealthStatus);
    }

    public static List<VolumeStatus> Statuses(VolumeSet volumes)
    {
        var all = volumes.Snapshot();
        var statuses = new List<VolumeStatus>(all.Count);
        foreach (var volume in all)
        {
            statuses.Add(Status(volumes, volume));
        }

        return statuses;
    }

    private static VolumeStatus Status(VolumeSet volumes, NeedleVolume volume)
    {
        var size = volume.Tail;
        var garbage = volume.GarbageBytes;
        var live = Math.Max(0, size - garbage);
        return new VolumeStatus(
            volume.Id.Value,
            volume.Group.Value,
            volumes.DirectoryOf(volume.Id),
            size,
            volume.MaxSize,
            live,
            garbage,
            size == 0 ? 0 : (double)garbage / size,
            volume.NeedleCount,
            volume.IsSealed,
            volume.SealReason.ToString(),
            volume.Revision);
    }

    /// <summary>Runs <paramref name="action"/> on volume <paramref name="id"/> holding its gate (no compaction, copy or repair meanwhile).</summary>
    private static async Task<IResult> WithGateAsync(VolumeSet volumes, uint id, Func<NeedleVolume, Task<IResult>> action, CancellationToken cancellationToken)
    {
        volumes.ThrowIfSyncing();
        var volume = volumes.Find(new VolumeId(id));
        if (volume is null)
        {
            return ChunkResults.Error(StatusCodes.Status404NotFound, $"volume {id} not found");
        }

        var gate = volumes.GateOf(volume.Id);
        await gate.WaitAsync(cancellationToken);
        try
        {
            return await action(volume);
        }
        finally
        {
            gate.Release();
        }
    }
}
