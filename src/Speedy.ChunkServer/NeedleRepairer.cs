using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Speedy.IO;
using Speedy.Volume;

namespace Speedy.ChunkServer;

/// <summary>
/// Repairs needles whose records fail their checks, found by a read (which still answers 500, so the image server fails
/// over to another replica) or by the scrubber, from another member of the group. One repair at a time, under the
/// volume's gate: the needle is read again (a repair may no longer be needed), fetched from a readable peer (the members
/// come with the masters' answers to heartbeats), accepted only if its CRC-32C is the one the local record carries (or,
/// when only the stored CRC rotted, that of the local data), written over the record's data, CRC and padding in place,
/// synced, and read back through the engine. A record whose header is damaged is not repaired in place (its length and
/// CRC cannot be trusted); like a needle no peer serves intact, it counts as a failed repair. The counts are in
/// <c>GET /health</c>; a needle found again after a failed repair is tried again. Its reads of peers carry
/// <see cref="NeedleEndpoints.RepairReadHeader"/>, so a peer rotten at the same needle does not start a repair that
/// would read this one and start another here.
/// </summary>
internal sealed class NeedleRepairer(VolumeSet volumes, GroupPeers peers, IHttpClientFactory clients, ILogger<NeedleRepairer> logger) : BackgroundService
{
    private static readonly TimeSpan s_fetchTimeout = TimeSpan.FromSeconds(30);

    private readonly Channel<FileId> _queue = Channel.CreateUnbounded<FileId>(new UnboundedChannelOptions { SingleReader = true });
    private readonly ConcurrentDictionary<FileId, bool> _pending = new();
    private long _corrupt;
    private long _repaired;
    private long _failed;

    /// <summary>Needles found corrupt (each time one is found while no repair of it is pending).</summary>
    public long CorruptNeedles => Interlocked.Read(ref _corrupt);

    /// <summary>Needles rewritten with a replica's bytes and read back intact.</summary>
    public long RepairedNeedles => Interlocked.Read(ref _repaired);

    /// <summary>Repairs that found no intact copy, or a record that cannot be repaired in place.</summary>
    public long FailedRepairs => Interlocked.Read(ref _failed);

    /// <summary>Counts and logs a needle whose record failed its checks and queues its repair, unless one is pending.</summary>
    public void Report(FileId fileId, string problem)
    {
        if (!_pending.TryAdd(fileId, true))
        {
            return;
        }

        Interlocked.Increment(ref _corrupt);
        Log.CorruptNeedle(logger, fileId.ToString(), problem);
        _queue.Writer.TryWrite(fileId);
    }

    /// <summary>
    /// Takes what a scrub found: the rotten record of a current needle is repaired; one of a needle overwritten or
    /// deleted since is garbage and only logged; a bad header (whose needle is unknown) is counted as a failed repair.
    /// </summary>
    public void Report(NeedleVolume volume, ScrubFinding finding)
    {
        if (finding.Needle is not { } id)
        {
            Interlocked.Increment(ref _corrupt);
            Interlocked.Increment(ref _failed);
            Log.ScrubFindingNotRepaired(logger, volume.Id.Value, finding.Offset, finding.Problem, "the needle is unknown, so it cannot be fetched from a replica");
            return;
        }

        if (!finding.IsCurrent)
        {
            Log.ScrubFindingNotRepaired(logger, volume.Id.Value, finding.Offset, finding.Problem, $"the record is garbage: needle {id} was overwritten or deleted since");
            return;
        }

        using var file = File.OpenHandle(volumes.DataPathOf(volume.Id), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (!RecordLayout.TryReadHeader(file, finding.Offset, out var header) || header.Id != id)
        {
            Interlocked.Increment(ref _corrupt);
            Interlocked.Increment(ref _failed);
            Log.ScrubFindingNotRepaired(logger, volume.Id.Value, finding.Offset, finding.Problem, "its header no longer names the needle");
            return;
        }

        Report(new FileId(volume.Group, volume.Id, id, header.Cookie), finding.Problem);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await foreach (var fileId in _queue.Reader.ReadAllAsync(stoppingToken))
        {
            try
            {
                await RepairAsync(fileId, stoppingToken);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ObjectDisposedException)
            {
                Fail(fileId, ex.Message);
            }
            finally
            {
                _pending.TryRemove(fileId, out _);
            }
        }
    }

    private async Task RepairAsync(FileId fileId, CancellationToken cancellationToken)
    {
        var volume = volumes.Find(fileId.Volume);
        if (volume is null)
        {
            Fail(fileId, "its volume is not on this server");
            return;
        }

        var gate = volumes.GateOf(volume.Id);
        await gate.WaitAsync(cancellationToken);
        try
        {
            long length;
            try
            {
                if (!volume.TryGetLength(fileId.Needle, fileId.Cookie, out length))
                {
                    Log.RepairNotNeeded(logger, fileId.ToString(), "it was deleted");
                    return;
                }
            }
            catch (VolumeCorruptionException ex)
            {
                Fail(fileId, $"its record's header is damaged: {ex.Message}");
                return;
            }

            var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(length, 1));
            try
            {
                await RepairAsync(volume, fileId, buffer.AsMemory(0, (int)length), cancellationToken);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>The repair proper, with the volume's gate held and a buffer of the needle's length.</summary>
    private async Task RepairAsync(NeedleVolume volume, FileId fileId, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        long offset;
        try
        {
            volume.TryRead(fileId.Needle, fileId.Cookie, buffer.Span, out _);
            Log.RepairNotNeeded(logger, fileId.ToString(), "it reads intact");
            return;
        }
        catch (VolumeCorruptionException ex)
        {
            offset = ex.Offset;
        }

        using var file = File.OpenHandle(volumes.DataPathOf(volume.Id), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        if (offset < RecordLayout.SuperblockSize
            || !RecordLayout.TryReadHeader(file, offset, out var header)
            || header.Kind != RecordHeader.Live || header.Id != fileId.Needle || header.Cookie != fileId.Cookie || header.Length != buffer.Length)
        {
            Fail(fileId, $"its record's header at offset {offset} is damaged");
            return;
        }

        var stored = RecordLayout.ReadStoredCrc(file, offset, header.Length, volume.Id);
        uint? local = null;
        var failures = new List<string>();
        foreach (var peer in peers.Readable())
        {
            var failure = await FetchAsync(peer, fileId, buffer, cancellationToken);
            var crc = failure is null ? Crc32C.Compute(buffer.Span) : 0;
            if (failure is null && crc != stored)
            {
                // Either the replica differs, or the local data is intact and its stored CRC is what rotted.
                local ??= RecordLayout.DataCrc(file, offset, header.Length, volume.Id);
                failure = crc == local ? null : $"served bytes with CRC-32C {crc:x8}; the record carries {stored:x8}";
            }

            if (failure is not null)
            {
                failures.Add($"{peer} {failure}");
                continue;
            }

            RecordLayout.RewriteData(file, offset, buffer.Span, crc);
            if (ReadsBack(volume, fileId, buffer.Span, crc))
            {
                Interlocked.Increment(ref _repaired);
                Log.NeedleRepaired(logger, fileId.ToString(), peer);
                return;
            }

            failures.Add($"the record rewritten with {peer}'s bytes does not read back intact");
            break;
        }

        Fail(fileId, failures.Count == 0 ? "no other member of the group takes reads" : string.Join("; ", failures));
    }

    /// <summary>Reads the needle from <paramref name="peer"/> into <paramref name="destination"/>; null, or why not.</summary>
    private async Task<string?> FetchAsync(string peer, FileId fileId, Memory<byte> destination, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_fetchTimeout);
        try
        {
            var client = clients.CreateClient(NeedleEndpoints.ReplicationClient);
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"{peer}/needles/{fileId}"));
            request.Headers.TryAddWithoutValidation(NeedleEndpoints.RepairReadHeader, "1");
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return $"answered {(int)response.StatusCode}";
            }

            if (response.Content.Headers.ContentLength != destination.Length)
            {
                return $"served {response.Content.Headers.ContentLength} bytes, not {destination.Length}";
            }

            var body = await response.Content.ReadAsStreamAsync(timeout.Token);
            await using (body)
            {
                await body.ReadExactlyAsync(destination, timeout.Token);
            }

            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return ex is OperationCanceledException ? $"did not answer within {s_fetchTimeout}" : ex.Message;
        }
    }

    private static bool ReadsBack(NeedleVolume volume, FileId fileId, Span<byte> buffer, uint crc)
    {
        try
        {
            return volume.TryRead(fileId.Needle, fileId.Cookie, buffer, out var read, out var checksum) && read == buffer.Length && checksum == crc;
        }
        catch (VolumeCorruptionException)
        {
            return false;
        }
    }

    private void Fail(FileId fileId, string reason)
    {
        Interlocked.Increment(ref _failed);
        Log.RepairFailed(logger, fileId.ToString(), reason);
    }
}
