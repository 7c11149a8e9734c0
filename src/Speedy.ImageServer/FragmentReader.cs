using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Speedy.IO;
using Speedy.Volume;

namespace Speedy.ImageServer;

/// <summary>
/// Reads a fragment from one replica of its group, healthy members first in random order, then the rest as a last
/// resort. A member that is syncing (a replacement still copying the group's volumes) is never asked: until its copy
/// is verified it may lack the fragment. A replica that fails, times out, answers corruption (the chunk server checks
/// the record's CRC-32C, and repairs it from another member) or bytes whose CRC-32C is not the caller's is skipped for
/// the next.
/// </summary>
internal sealed class FragmentReader(
    ITopologySource topology,
    IHttpClientFactory clients,
    ImageServerOptions options,
    ImageServerMetrics metrics,
    ILogger<FragmentReader> logger)
{
    public async Task<CachedFragment> ReadAsync(FileId fileId, uint? expectedCrc, CancellationToken cancellationToken)
    {
        var current = await topology.GetTopologyAsync(cancellationToken).ConfigureAwait(false);
        var group = current.Find(fileId.Group)
            ?? throw new FragmentException(StatusCodes.Status404NotFound, $"fragment {fileId}: the store has no group {fileId.Group}");
        var members = Order(group.Members);
        var notFound = 0;
        foreach (var member in members)
        {
            var url = member.Url.TrimEnd('/');
            metrics.CountUpstreamRead();
            var (fragment, failure, missing) = await TryReadAsync(url, fileId, expectedCrc, cancellationToken).ConfigureAwait(false);
            if (fragment is not null)
            {
                return fragment;
            }

            notFound += missing ? 1 : 0;
            metrics.CountFailedRead();
            Log.ReplicaReadFailed(logger, fileId.ToString(), url, failure ?? "unknown");
        }

        throw notFound == members.Length && members.Length > 0
            ? new FragmentException(StatusCodes.Status404NotFound, $"fragment {fileId} not found")
            : new FragmentException(StatusCodes.Status502BadGateway, $"no replica of group {fileId.Group} served fragment {fileId}");
    }

    /// <summary>Healthy members in random order, then the others in random order; syncing members left out.</summary>
    private static TopologyMember[] Order(IReadOnlyList<TopologyMember> members)
    {
        var readable = 0;
        for (var i = 0; i < members.Count; i++)
        {
            readable += members[i].Syncing ? 0 : 1;
        }

        var ordered = new TopologyMember[readable];
        var healthy = 0;
        for (var i = 0; i < members.Count; i++)
        {
            if (members[i].Healthy && !members[i].Syncing)
            {
                ordered[healthy++] = members[i];
            }
        }

        var next = healthy;
        for (var i = 0; i < members.Count; i++)
        {
            if (!members[i].Healthy && !members[i].Syncing)
            {
                ordered[next++] = members[i];
            }
        }

        Random.Shared.Shuffle(ordered.AsSpan(0, healthy));
        Random.Shared.Shuffle(ordered.AsSpan(healthy));
        return ordered;
    }

    private async Task<(CachedFragment? Fragment, string? Failure, bool NotFound)> TryReadAsync(string url, FileId fileId, uint? expectedCrc, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ReadTimeout);
        try
        {
            using var response = await clients.CreateClient(ImageServerHost.ChunkClient)
                .GetAsync(new Uri($"{url}/needles/{fileId}"), HttpCompletionOption.ResponseHeadersRead, timeout.Token)
                .ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                var error = await ChunkErrors.ReadAsync(response, timeout.Token).ConfigureAwait(false);
                return (null, $"answered {(int)response.StatusCode}: {error}", response.StatusCode == HttpStatusCode.NotFound);
            }

            if (response.Content.Headers.ContentLength is not { } length || length > options.MaxFragmentBytes)
            {
                return (null, $"answered a body of {response.Content.Headers.ContentLength?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "unknown"} bytes", false);
            }

            var bytes = new byte[length];
            var body = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
            await using (body.ConfigureAwait(false))
            {
                await body.ReadExactlyAsync(bytes, timeout.Token).ConfigureAwait(false);
            }

            var crc = Crc32C.Compute(bytes);
            if (expectedCrc is { } expected && crc != expected)
            {
                return (null, $"served bytes with CRC-32C {crc:x8}, expected {expected:x8}", false);
            }

            return (new CachedFragment(bytes, crc), null, false);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (null, ex is OperationCanceledException ? $"no answer within {options.ReadTimeout}" : ex.Message, false);
        }
    }
}
