using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.ExceptionServices;
using Microsoft.AspNetCore.Http;
using Speedy.Volume;

namespace Speedy.ChunkServer;

/// <summary>
/// Chain replication of <c>PUT /needles/{fid}</c>: with <c>X-Speedy-Replicate-To: url1,url2</c> the body goes to
/// the local volume and, piece by piece as it arrives, to <c>url1</c> with the rest of the list, so the writer's
/// link carries the bytes once however many replicas there are. The answer is 201 only when the local append is
/// durable and the next hop answered 201 with the same CRC-32C; any failure is 502 naming the hop that failed, except
/// a full or sealed volume at any hop, which is 507 or 409 as for an unchained write: the writer tries another volume.
/// </summary>
internal static partial class NeedleEndpoints
{
    /// <summary>The header that lists the hops after this one; present (even empty) on every hop of a chained write.</summary>
    public const string ReplicateToHeader = "X-Speedy-Replicate-To";

    /// <summary>The name of the pooled HTTP client for requests to peers: chained writes, copies and repairs.</summary>
    public const string ReplicationClient = "replication";

    /// <summary>A chain longer than this is refused: a group has a handful of members, not dozens.</summary>
    private const int MaxHops = 16;

    /// <summary>Bytes in flight to the next hop before the local append waits for it: one volume write piece.</summary>
    private static readonly PipeOptions s_pipeOptions = new(
        pauseWriterThreshold: 1 << 20,
        resumeWriterThreshold: 512 << 10,
        minimumSegmentSize: 64 << 10,
        useSynchronizationContext: false);

    /// <summary>The hops after this one, or null when the request is not a chained write.</summary>
    private static string[]? ParseChain(HttpRequest request)
    {
        if (!request.Headers.TryGetValue(ReplicateToHeader, out var values))
        {
            return null;
        }

        var hops = new List<string>();
        foreach (var value in values)
        {
            foreach (var part in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!Uri.TryCreate(part, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
                {
                    throw new ChunkRequestException(StatusCodes.Status400BadRequest, $"{ReplicateToHeader}: \"{part}\" is not an http:// or https:// URL");
                }

                hops.Add(part.TrimEnd('/'));
            }
        }

        if (hops.Count > MaxHops)
        {
            throw new ChunkRequestException(StatusCodes.Status400BadRequest, $"{ReplicateToHeader}: at most {MaxHops} hops, not {hops.Count}");
        }

        return [.. hops];
    }

    private static async Task<IResult> PutChainedAsync(HttpContext context, HttpClient client, string self, FileId fileId, NeedleVolume volume, long length, string[] hops)
    {
        var cancellationToken = context.RequestAborted;
        Pipe? pipe = hops.Length > 0 ? new Pipe(s_pipeOptions) : null;
        var forward = pipe is null ? Task.FromResult(HopOutcome.None) : ForwardAsync(client, hops, fileId, length, pipe.Reader, cancellationToken);
        var body = new ChecksumReadStream(context.Request.Body, pipe?.Writer);
        Exception? localError = null;
        try
        {
            await volume.AppendAsync(fileId.Needle, fileId.Cookie, length, body, cancellationToken);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            localError = ex;
        }

        if (pipe is not null)
        {
            await pipe.Writer.CompleteAsync(localError);
        }

        var next = await forward;
        if (localError is not null && cancellationToken.IsCancellationRequested)
        {
            ExceptionDispatchInfo.Throw(localError);
        }

        if (localError is not null and not NextHopStoppedException)
        {
            return HopFailed($"replication failed at {self}: {localError.Message}", StatusOf(localError));
        }

        if (next.Error is not null)
        {
            return HopFailed(next.Error, next.Status);
        }

        if (localError is not null)
        {
            return HopFailed($"replication failed at {self}: {localError.Message}", StatusOf(localError));
        }

        if (pipe is not null && next.Crc != body.Crc)
        {
            return HopFailed($"replication failed at {hops[0]}: it stored bytes with CRC-32C {next.Crc:x8}, {self} received {body.Crc:x8}");
        }

        return Written(fileId, length, body.Crc);
    }

    /// <summary>Sends what the local append reads to the next hop; never throws except for the client's cancellation.</summary>
    private static async Task<HopOutcome> ForwardAsync(HttpClient client, string[] hops, FileId fileId, long length, PipeReader body, CancellationToken cancellationToken)
    {
        var next = hops[0];
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Put, new Uri($"{next}/needles/{fileId}"));
            request.Headers.TryAddWithoutValidation(ReplicateToHeader, string.Join(',', hops, 1, hops.Length - 1));
            request.Content = new StreamContent(body.AsStream(leaveOpen: true));
            request.Content.Headers.ContentLength = length;
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            if (response.StatusCode == HttpStatusCode.BadGateway)
            {
                // A later hop failed; its message already names it.
                return HopOutcome.Failed(await ErrorOfAsync(response, cancellationToken));
            }

            if (response.StatusCode is HttpStatusCode.InsufficientStorage or HttpStatusCode.Conflict)
            {
                // A full or sealed volume, here or at a later hop: the status goes back up the chain as it is.
                var error = await ErrorOfAsync(response, cancellationToken);
                return HopOutcome.Failed(error.StartsWith("replication failed at ", StringComparison.Ordinal) ? error : $"replication failed at {next}: {error}", (int)response.StatusCode);
            }

            if (response.StatusCode != HttpStatusCode.Created)
            {
                return HopOutcome.Failed($"replication failed at {next}: it answered {(int)response.StatusCode}: {await ErrorOfAsync(response, cancellationToken)}");
            }

            var written = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.NeedleWritten, cancellationToken);
            return written is { Crc: { } crc } && written.Size == length
                ? new HopOutcome(crc, null)
                : HopOutcome.Failed($"replication failed at {next}: it answered 201 without the size and CRC-32C of a chained write");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or System.Text.Json.JsonException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return HopOutcome.Failed($"replication failed at {next}: {ex.Message}");
        }
        finally
        {
            await body.CompleteAsync();
        }
    }

    private static async Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.ChunkError, cancellationToken);
            return error?.Error ?? string.Empty;
        }
        catch (System.Text.Json.JsonException)
        {
            return $"status {(int)response.StatusCode} without an error body";
        }
    }

    private static IResult HopFailed(string message, int status = StatusCodes.Status502BadGateway) => ChunkResults.Error(status, message);

    /// <summary>507 for a full volume and 409 for a sealed one, as the middleware answers an unchained write; else 502.</summary>
    private static int StatusOf(Exception error) => error switch
    {
        VolumeFullException => StatusCodes.Status507InsufficientStorage,
        VolumeSealedException => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status502BadGateway,
    };
}
