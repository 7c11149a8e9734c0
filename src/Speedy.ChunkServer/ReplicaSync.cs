using System.Buffers;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Speedy.IO;
using Speedy.Volume;
using Cookie = Speedy.Volume.Cookie;

namespace Speedy.ChunkServer;

/// <summary>
/// A replacement member's first job, while its <see cref="VolumeSet"/> is syncing: copy every volume of the group from
/// a readable peer (one the masters report healthy and not syncing), verify the copies, and only then take reads and
/// writes. Per volume it takes the peer's manifest (<c>GET /volumes/{id}/needles</c>: id, cookie, length and CRC-32C of
/// every live needle up to the durable end), creates the volume with the peer's size, and appends every needle it
/// lacks with the needle's id and cookie, fetched with <c>GET /needles/{fid}</c> (the peer's read checks the record;
/// a needle the peer cannot serve intact comes from another member). The copy is verified through the engine: every
/// needle of the manifest reads back with its CRC-32C, and the volume holds exactly as many needles (any the peer
/// deleted meanwhile are deleted here). A volume sealed on the peer is sealed here. Rounds repeat until one finds no
/// volume of the peer changed since it was copied (same revision and durable end), so needles written or deleted
/// during the copy are caught; the group is read-only meanwhile, so that round normally comes second. Before it ends
/// syncing it never hands out a needle id at or below the peer's high-water mark nor any copied id. A failure (the peer
/// going away, say) is logged and the copy starts over a heartbeat later, keeping what already verifies.
/// </summary>
internal sealed class ReplicaSync(ChunkServerOptions options, VolumeSet volumes, GroupPeers peers, IHttpClientFactory clients, ILogger<ReplicaSync> logger)
    : BackgroundService
{
    /// <summary>Rounds over the peer's volumes before the copy gives up on a group that keeps changing under it.</summary>
    private const int MaxRounds = 8;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!volumes.IsSyncing)
        {
            return;
        }

        Log.SyncStarted(logger, options.Group, options.Replaces ?? "no member named: resuming an unfinished copy");
        var waiting = false;
        (int Volumes, long Needles) copied;
        while (true)
        {
            var sources = peers.Readable();
            if (sources.Length > 0)
            {
                waiting = false;
                try
                {
                    copied = await CopyGroupAsync(sources, stoppingToken);
                    break;
                }
                catch (Exception ex) when (IsCopyFailure(ex, stoppingToken))
                {
                    Log.SyncFailed(logger, sources[0], ex);
                }
            }
            else if (!waiting)
            {
                waiting = true;
                Log.SyncWaiting(logger, options.Group);
            }

            await Task.Delay(options.HeartbeatInterval, stoppingToken);
        }

        if (options.BeforeSyncEnds is { } hook)
        {
            await hook(stoppingToken);
        }

        volumes.FinishSync();
        Log.SyncFinished(logger, options.Group, copied.Volumes, copied.Needles);
    }

    private static bool IsCopyFailure(Exception ex, CancellationToken stoppingToken) =>
        ex is HttpRequestException or IOException or InvalidDataException or JsonException or NotSupportedException or UnauthorizedAccessException
        || (ex is OperationCanceledException && !stoppingToken.IsCancellationRequested);

    /// <summary>Copies the group's volumes from <c>sources[0]</c> until a round finds nothing changed; the volumes and needles copied.</summary>
    private async Task<(int Volumes, long Needles)> CopyGroupAsync(string[] sources, CancellationToken cancellationToken)
    {
        var source = sources[0];
        var client = clients.CreateClient(NeedleEndpoints.ReplicationClient);
        var copied = new Dictionary<uint, (uint Revision, long End, int Needles)>();
        for (var round = 0; round < MaxRounds; round++)
        {
            var changed = false;
            foreach (var status in await GetAsync(client, $"{source}/volumes", ChunkJsonContext.Default.ListVolumeStatus, cancellationToken))
            {
                if (status.Group != options.Group)
                {
                    throw new InvalidDataException($"{source} holds volume {status.Id} of group {status.Group}, not {options.Group}");
                }

                var manifest = await GetAsync(client, $"{source}/volumes/{status.Id}/needles", ChunkJsonContext.Default.VolumeManifest, cancellationToken);
                if (copied.TryGetValue(manifest.Id, out var seen) && seen.Revision == manifest.Revision && seen.End == manifest.End)
                {
                    continue;
                }

                changed = true;
                if (await CopyVolumeAsync(client, source, sources, manifest, cancellationToken))
                {
                    copied[manifest.Id] = (manifest.Revision, manifest.End, manifest.Needles.Count);
                }
                else
                {
                    copied.Remove(manifest.Id);
                }
            }

            if (!changed)
            {
                var health = await GetAsync(client, $"{source}/health", ChunkJsonContext.Default.HealthStatus, cancellationToken);
                if (health.NeedleIdHighWaterMark > 0)
                {
                    volumes.ObserveNeedleId(health.NeedleIdHighWaterMark - 1);
                }

                var needles = 0L;
                foreach (var volume in copied.Values)
                {
                    needles += volume.Needles;
                }

                return (copied.Count, needles);
            }
        }

        throw new InvalidDataException($"the volumes of {source} kept changing over {MaxRounds} rounds of copying; is the group taking writes?");
    }

    /// <summary>
    /// Makes the local volume hold exactly the manifest's needles and verifies it; false when the source no longer
    /// has a needle of the manifest (it was deleted meanwhile), so the next round copies from a new manifest.
    /// </summary>
    private async Task<bool> CopyVolumeAsync(HttpClient client, string source, string[] sources, VolumeManifest manifest, CancellationToken cancellationToken)
    {
        var volume = volumes.GetOrCreateCopy(new VolumeId(manifest.Id), manifest.MaxSize, manifest.End);
        var highest = 0UL;
        foreach (var needle in manifest.Needles)
        {
            highest = Math.Max(highest, needle.Id);
            if (!IsIntact(volume, needle) && !await CopyNeedleAsync(client, volume, needle, source, sources, cancellationToken))
            {
                return false;
            }
        }

        // Durably, before any copied id could be handed out again by this server.
        volumes.ObserveNeedleId(highest);
        foreach (var needle in manifest.Needles)
        {
            if (!IsIntact(volume, needle))
            {
                throw new InvalidDataException($"volume {manifest.Id}: needle {needle.Id:x} does not read back with CRC-32C {needle.Crc:x8} after the copy");
            }
        }

        if (volume.NeedleCount != manifest.Needles.Count)
        {
            await DeleteExtrasAsync(volume, manifest, cancellationToken);
            if (volume.NeedleCount != manifest.Needles.Count)
            {
                throw new InvalidDataException($"volume {manifest.Id} holds {volume.NeedleCount} needles after the copy, {source} {manifest.Needles.Count}");
            }
        }

        if (manifest.Sealed && !volume.IsSealed)
        {
            await volume.SealAsync(cancellationToken);
        }

        Log.VolumeCopied(logger, manifest.Id, manifest.Needles.Count, source);
        return true;
    }

    /// <summary>
    /// Appends the needle, fetched from <paramref name="source"/> or, if it cannot serve it intact, another member;
    /// false when the source answers that it no longer has it.
    /// </summary>
    /// <exception cref="InvalidDataException">No member served it intact.</exception>
    private static async Task<bool> CopyNeedleAsync(HttpClient client, NeedleVolume volume, ManifestNeedle needle, string source, string[] sources, CancellationToken cancellationToken)
    {
        var fileId = new FileId(volume.Group, volume.Id, new NeedleId(needle.Id), new Cookie(needle.Cookie));
        var failures = new List<string>();
        foreach (var peer in sources)
        {
            try
            {
                using var response = await client.GetAsync(new Uri($"{peer}/needles/{fileId}"), HttpCompletionOption.ResponseHeadersRead, cancellationToken);
                if (response.StatusCode == HttpStatusCode.NotFound && peer == source)
                {
                    return false;
                }

                if (response.StatusCode != HttpStatusCode.OK || response.Content.Headers.ContentLength != needle.Length)
                {
                    failures.Add($"{peer} answered {(int)response.StatusCode} with {response.Content.Headers.ContentLength} bytes");
                    continue;
                }

                var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                await using (body)
                {
                    var checksummed = new ChecksumReadStream(body, null);
                    await volume.AppendAsync(fileId.Needle, fileId.Cookie, needle.Length, checksummed, cancellationToken);
                    if (checksummed.Crc == needle.Crc)
                    {
                        return true;
                    }

                    // Appended all the same: the next copy's record replaces it.
                    failures.Add($"{peer} served bytes with CRC-32C {checksummed.Crc:x8}, not {needle.Crc:x8}");
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or (IOException and not VolumeSealedException))
            {
                failures.Add($"{peer}: {ex.Message}");
            }
        }

        throw new InvalidDataException($"no member served needle {fileId} intact: {string.Join("; ", failures)}");
    }

    /// <summary>Whether the volume holds the needle with the manifest's length and CRC-32C, read through the engine.</summary>
    private static bool IsIntact(NeedleVolume volume, ManifestNeedle needle)
    {
        var id = new NeedleId(needle.Id);
        var cookie = new Cookie(needle.Cookie);
        try
        {
            if (!volume.TryGetLength(id, cookie, out var length) || length != needle.Length)
            {
                return false;
            }

            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
            try
            {
                return volume.TryRead(id, cookie, buffer, out _, out var checksum) && checksum == needle.Crc;
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        catch (VolumeCorruptionException)
        {
            return false;
        }
    }

    /// <summary>Deletes the local needles the manifest does not list (deleted on the peer after an earlier round copied them).</summary>
    private async Task DeleteExtrasAsync(NeedleVolume volume, VolumeManifest manifest, CancellationToken cancellationToken)
    {
        var wanted = new HashSet<ulong>(manifest.Needles.Count);
        foreach (var needle in manifest.Needles)
        {
            wanted.Add(needle.Id);
        }

        List<ManifestNeedle> local;
        var gate = volumes.GateOf(volume.Id);
        await gate.WaitAsync(cancellationToken);
        try
        {
            using var file = File.OpenHandle(volumes.DataPathOf(volume.Id), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            local = RecordLayout.ListNeedles(file, volume.Id, volume.Revision, volume.DurableOffset);
        }
        finally
        {
            gate.Release();
        }

        foreach (var needle in local)
        {
            if (!wanted.Contains(needle.Id))
            {
                await volume.DeleteAsync(new NeedleId(needle.Id), new Cookie(needle.Cookie), cancellationToken);
            }
        }
    }

    private static async Task<T> GetAsync<T>(HttpClient client, string url, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync(new Uri(url), cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"GET {url} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(cancellationToken)}", null, response.StatusCode);
        }

        return await response.Content.ReadFromJsonAsync(type, cancellationToken)
            ?? throw new InvalidDataException($"GET {url} answered no JSON");
    }
}
