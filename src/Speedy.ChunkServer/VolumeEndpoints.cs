using Microsoft.AspNetCore.Http;
using Speedy.Volume;

namespace Speedy.ChunkServer;

/// <summary><c>GET /volumes</c>, <c>POST /volumes/{id}/compact</c>, <c>POST /volumes/{id}/seal</c> and <c>GET /health</c>.</summary>
internal static class VolumeEndpoints
{
    public static IResult List(VolumeSet volumes) => Results.Json(Statuses(volumes), ChunkJsonContext.Default.ListVolumeStatus);

    public static async Task<IResult> CompactAsync(VolumeSet volumes, uint id, CancellationToken cancellationToken)
    {
        var volume = volumes.Find(new VolumeId(id));
        if (volume is null)
        {
            return ChunkResults.Error(StatusCodes.Status404NotFound, $"volume {id} not found");
        }

        var result = await volume.CompactAsync(cancellationToken);
        return Results.Json(new CompactionStatus(id, result.BytesBefore, result.BytesAfter, result.Needles), ChunkJsonContext.Default.CompactionStatus);
    }

    public static async Task<IResult> SealAsync(VolumeSet volumes, uint id, CancellationToken cancellationToken)
    {
        var volume = volumes.Find(new VolumeId(id));
        if (volume is null)
        {
            return ChunkResults.Error(StatusCodes.Status404NotFound, $"volume {id} not found");
        }

        await volume.SealAsync(cancellationToken);
        return Results.Json(Status(volumes, volume), ChunkJsonContext.Default.VolumeStatus);
    }

    public static IResult Health(VolumeSet volumes, ChunkServerOptions options)
    {
        var all = volumes.Snapshot();
        var writable = 0;
        foreach (var volume in all)
        {
            writable += volume.IsSealed ? 0 : 1;
        }

        var health = new HealthStatus("ok", options.Group, options.EffectivePublicUrl, all.Count, writable, volumes.TotalFreeBytes(), volumes.NeedleIdHighWaterMark);
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
}
