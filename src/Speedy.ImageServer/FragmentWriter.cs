using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Speedy.IO;
using Speedy.Volume;

namespace Speedy.ImageServer;

/// <summary>
/// Stores a fragment on every member of one group: a chained <c>PUT /needles/{fid}</c> to the first member, which
/// forwards to the next (so this server's link carries the bytes once). Only a chain that answered 201 with the
/// fragment's CRC-32C counts; otherwise another group is tried, up to <see cref="ImageServerOptions.UploadGroupAttempts"/>.
/// A volume found full (or sealed) is tried again in the same group with another volume, or a new one: the master's
/// topology lists it as writable until the next heartbeats, and it is not picked meanwhile.
/// </summary>
internal sealed class FragmentWriter(
    ITopologySource topology,
    NeedleIdPool needleIds,
    IHttpClientFactory clients,
    ImageServerOptions options,
    ImageServerMetrics metrics,
    ILogger<FragmentWriter> logger,
    ILocalChunkServers? local = null)
{
    /// <summary>The chunk server's chain header.</summary>
    public const string ReplicateToHeader = "X-Speedy-Replicate-To";

    /// <summary>How long a volume found full is passed over, whatever the topology says (heartbeats come every few seconds).</summary>
    private static readonly TimeSpan s_fullVolumeMemory = TimeSpan.FromMinutes(1);

    /// <summary>Volumes a write found full or sealed, with when that was learned.</summary>
    private readonly ConcurrentDictionary<(uint Group, uint Volume), long> _fullVolumes = new();

    /// <summary>Stores <paramref name="fragment"/>, whose CRC-32C is <paramref name="crc"/>, on every member of a writable group.</summary>
    public async Task<FragmentStored> UploadAsync(ReadOnlyMemory<byte> fragment, uint crc, long? index, long? offset, CancellationToken cancellationToken)
    {
        var current = await topology.GetTopologyAsync(cancellationToken).ConfigureAwait(false);
        var tried = new List<TopologyGroup>();
        StringBuilder? failures = null;
        for (var attempt = 0; attempt < options.UploadGroupAttempts; attempt++)
        {
            var group = GroupPicker.Pick(current, fragment.Length, options.MaxMemberLoad, tried, Random.Shared);
            if (group is null)
            {
                break;
            }

            var fileId = new FileId(group.Id, PickVolume(group), await needleIds.NextAsync(cancellationToken).ConfigureAwait(false), Speedy.Volume.Cookie.NewRandom());
            var failure = await TryStoreAsync(group, fileId, fragment, crc, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                return new FragmentStored(fileId.ToString(), fragment.Length, crc, group.Id.Value, index, offset);
            }

            metrics.CountFailedUploadAttempt();
            if (failure.VolumeFull)
            {
                _fullVolumes[(group.Id.Value, fileId.Volume.Value)] = Environment.TickCount64;
                Log.VolumeFull(logger, fileId.Volume.Value, group.Id.Value);
            }
            else
            {
                tried.Add(group);
                Log.UploadAttemptFailed(logger, fileId.ToString(), group.Id.Value, failure.Message);
            }

            failures ??= new StringBuilder();
            failures.Append("; group ").Append(group.Id.Value).Append(": ").Append(failure.Message);
        }

        throw new FragmentException(
            StatusCodes.Status503ServiceUnavailable,
            failures is null
                ? $"no writable group with healthy members has room for a fragment of {fragment.Length} bytes"
                : $"no group stored the fragment{failures}");
    }

    /// <summary>
    /// One of the group's writable volumes not found full lately, at random; when there is none, the volume after the
    /// highest one known, which the members create on the first write.
    /// </summary>
    private VolumeId PickVolume(TopologyGroup group)
    {
        var now = Environment.TickCount64;
        var highest = group.HighestVolume.Value;
        foreach (var ((g, volume), since) in _fullVolumes)
        {
            if (now - since > s_fullVolumeMemory.TotalMilliseconds)
            {
                _fullVolumes.TryRemove(new KeyValuePair<(uint, uint), long>((g, volume), since));
            }
            else if (g == group.Id.Value)
            {
                highest = Math.Max(highest, volume);
            }
        }

        var candidates = group.WritableVolumes.Where(volume => !_fullVolumes.ContainsKey((group.Id.Value, volume.Value))).ToArray();
        return candidates.Length > 0 ? candidates[Random.Shared.Next(candidates.Length)] : new VolumeId(highest + 1);
    }

    /// <summary>Why a group did not store a fragment; <paramref name="VolumeFull"/> when its volume is full or sealed.</summary>
    private sealed record StoreFailure(string Message, bool VolumeFull = false);

    /// <summary>Null when every member stored the fragment; otherwise why not.</summary>
    private async Task<StoreFailure?> TryStoreAsync(TopologyGroup group, FileId fileId, ReadOnlyMemory<byte> fragment, uint crc, CancellationToken cancellationToken)
    {
        if (local is not null && group.Members.All(member => local.Contains(member.Url)))
        {
            return await TryStoreLocallyAsync(local, group, fileId, fragment, crc, cancellationToken).ConfigureAwait(false);
        }

        var head = group.Members[0].Url.TrimEnd('/');
        var rest = new string[group.Members.Count - 1];
        for (var i = 1; i < group.Members.Count; i++)
        {
            rest[i - 1] = group.Members[i].Url.TrimEnd('/');
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.WriteTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"{head}/needles/{fileId}"));
            request.Headers.TryAddWithoutValidation(ReplicateToHeader, string.Join(',', rest));
            request.Content = new ReadOnlyMemoryContent(fragment);
            request.Content.Headers.ContentLength = fragment.Length;
            using var response = await clients.CreateClient(ImageServerHost.ChunkClient).SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.Created)
            {
                return new StoreFailure(
                    $"{head} answered {(int)response.StatusCode}: {await ChunkErrors.ReadAsync(response, timeout.Token).ConfigureAwait(false)}",
                    response.StatusCode is HttpStatusCode.InsufficientStorage or HttpStatusCode.Conflict);
            }

            var written = await response.Content.ReadFromJsonAsync(ImageJsonContext.Default.ChunkNeedleWritten, timeout.Token).ConfigureAwait(false);
            if (written?.Crc != crc || written.Size != fragment.Length)
            {
                return new StoreFailure($"the chain stored {written?.Size} bytes with CRC-32C {written?.Crc:x8}, not {fragment.Length} with {crc:x8}");
            }

            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or System.Text.Json.JsonException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new StoreFailure(ex is OperationCanceledException ? $"{head} did not answer within {options.WriteTimeout}" : $"{head}: {ex.Message}");
        }
    }

    /// <summary>Null when every (in-process) member stored the fragment; otherwise why not.</summary>
    private static async Task<StoreFailure?> TryStoreLocallyAsync(
        ILocalChunkServers local, TopologyGroup group, FileId fileId, ReadOnlyMemory<byte> fragment, uint crc, CancellationToken cancellationToken)
    {
        var writes = group.Members.Select(member => local.WriteAsync(member.Url, fileId, fragment, crc, cancellationToken)).ToArray();
        try
        {
            await Task.WhenAll(writes).ConfigureAwait(false);
            return null;
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            var failed = writes.Select((write, i) => (Error: write.Exception?.InnerException, group.Members[i].Url)).Where(pair => pair.Error is not null).ToArray();
            return new StoreFailure(
                string.Join("; ", failed.Select(pair => $"{pair.Url}: {pair.Error!.Message}")),
                failed.Any(pair => pair.Error is VolumeFullException or VolumeSealedException));
        }
    }
}
