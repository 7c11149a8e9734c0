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

            tried.Add(group);
            var fileId = new FileId(group.Id, PickVolume(group), await needleIds.NextAsync(cancellationToken).ConfigureAwait(false), Speedy.Volume.Cookie.NewRandom());
            var failure = await TryStoreAsync(group, fileId, fragment, crc, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                return new FragmentStored(fileId.ToString(), fragment.Length, crc, group.Id.Value, index, offset);
            }

            metrics.CountFailedUploadAttempt();
            Log.UploadAttemptFailed(logger, fileId.ToString(), group.Id.Value, failure);
            failures ??= new StringBuilder();
            failures.Append("; group ").Append(group.Id.Value).Append(": ").Append(failure);
        }

        throw new FragmentException(
            StatusCodes.Status503ServiceUnavailable,
            failures is null
                ? $"no writable group with healthy members has room for a fragment of {fragment.Length} bytes"
                : $"no group stored the fragment{failures}");
    }

    private static VolumeId PickVolume(TopologyGroup group) =>
        group.WritableVolumes.Count > 0
            ? group.WritableVolumes[Random.Shared.Next(group.WritableVolumes.Count)]
            : new VolumeId(group.HighestVolume.Value + 1);

    /// <summary>Null when every member stored the fragment; otherwise why not.</summary>
    private async Task<string?> TryStoreAsync(TopologyGroup group, FileId fileId, ReadOnlyMemory<byte> fragment, uint crc, CancellationToken cancellationToken)
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
                return $"{head} answered {(int)response.StatusCode}: {await ChunkErrors.ReadAsync(response, timeout.Token).ConfigureAwait(false)}";
            }

            var written = await response.Content.ReadFromJsonAsync(ImageJsonContext.Default.ChunkNeedleWritten, timeout.Token).ConfigureAwait(false);
            if (written?.Crc != crc || written.Size != fragment.Length)
            {
                return $"the chain stored {written?.Size} bytes with CRC-32C {written?.Crc:x8}, not {fragment.Length} with {crc:x8}";
            }

            return null;
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or System.Text.Json.JsonException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return ex is OperationCanceledException ? $"{head} did not answer within {options.WriteTimeout}" : $"{head}: {ex.Message}";
        }
    }

    /// <summary>Null when every (in-process) member stored the fragment; otherwise why not.</summary>
    private static async Task<string?> TryStoreLocallyAsync(
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
            var failed = writes.Select((write, i) => (write, group.Members[i].Url)).Where(pair => pair.write.IsFaulted);
            return string.Join("; ", failed.Select(pair => $"{pair.Url}: {pair.write.Exception!.InnerException!.Message}"));
        }
    }
}
