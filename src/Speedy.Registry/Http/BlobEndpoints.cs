using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Speedy.Registry.Core;

namespace Speedy.Registry.Http;

/// <summary><c>GET</c>/<c>HEAD</c>/<c>DELETE /v2/&lt;name&gt;/blobs/&lt;digest&gt;</c>, with single byte ranges.</summary>
internal static class BlobEndpoints
{
    public static async Task GetAsync(HttpContext context, RegistryContext registry, RegistryRoute route, bool head)
    {
        var digest = RequestExtensions.ParseDigestOrThrow(route.Argument);
        var cancellationToken = context.RequestAborted;
        var size = await registry.Store.IsBlobLinkedAsync(route.Name, digest, cancellationToken)
            ? await registry.Store.StatBlobAsync(digest, cancellationToken)
            : null;
        if (size is not { } length)
        {
            throw new RegistryException(OciErrorCode.BlobUnknown, $"blob {digest} is not known to repository {route.Name}");
        }

        var response = context.Response;
        var headers = response.Headers;
        headers["Docker-Content-Digest"] = digest.ToString();
        headers.ETag = $"\"{digest}\"";
        headers.AcceptRanges = "bytes";
        headers.CacheControl = "max-age=31536000";
        response.ContentType = "application/octet-stream";

        var range = ByteRange.Resolve(context.Request.Headers.Range, length, out var unsatisfiable);
        if (unsatisfiable)
        {
            headers.ContentRange = $"bytes */{length}";
            throw new RegistryException(OciErrorCode.RangeInvalid, $"requested range is outside the blob of {length} bytes", null, StatusCodes.Status416RangeNotSatisfiable);
        }

        var start = 0L;
        if (range is { } r)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            headers.ContentRange = $"bytes {r.Start}-{r.Start + r.Length - 1}/{length}";
            start = r.Start;
            length = r.Length;
        }

        response.ContentLength = length;
        if (head || length == 0)
        {
            return;
        }

        await using var stream = await registry.Store.OpenBlobAsync(digest, start, length, cancellationToken);
        if (stream is FileStream file && context.Features.Get<SendFileWriter>() is { } sendFile)
        {
            await SendFileAsync(file, sendFile, response, length, cancellationToken);
            return;
        }

        await CopyAsync(stream, response, length, registry.BlobReads, cancellationToken);
    }

    public static async Task DeleteAsync(HttpContext context, RegistryContext registry, RegistryRoute route)
    {
        RequestExtensions.RequireDeleteEnabled(registry.Options);
        var digest = RequestExtensions.ParseDigestOrThrow(route.Argument);
        if (!await registry.Store.UnlinkBlobAsync(route.Name, digest, context.RequestAborted))
        {
            throw new RegistryException(OciErrorCode.BlobUnknown, $"blob {digest} is not known to repository {route.Name}");
        }

        RequestExtensions.SetNoBody(context.Response, StatusCodes.Status202Accepted);
        context.Response.Headers["Docker-Content-Digest"] = digest.ToString();
        registry.Events.BlobDeleted(context, route.Name, digest);
    }

    /// <summary>
    /// Sends the blob from its file with <c>sendfile(2)</c> (<see cref="SendFileWriter"/>): the headers are flushed,
    /// then Kestrel's body writer is advanced over the region without a byte written into it.
    /// </summary>
    /// <remarks>
    /// Kestrel's minimum response data rate is off for the response: Kestrel times each flush by the bytes that pass
    /// through its own buffers, which a file region's do not, so a reader that paused for five seconds was cut off
    /// mid-blob. Counted properly, the rule (240 bytes a second) would allow a 1 MiB piece more than an hour anyway.
    /// </remarks>
    private static async Task SendFileAsync(FileStream file, SendFileWriter sendFile, HttpResponse response, long length, CancellationToken cancellationToken)
    {
        if (response.HttpContext.Features.Get<IHttpMinResponseDataRateFeature>() is { } rate)
        {
            rate.MinDataRate = null;
        }

        await response.StartAsync(cancellationToken);
        var writer = response.BodyWriter;
        if ((await writer.FlushAsync(cancellationToken)).IsCompleted)
        {
            return;
        }

        sendFile.BeginFile(file, file.Position, length);
        while (length > 0)
        {
            var chunk = (int)Math.Min(SendFileWriter.ChunkBytes, length);
            writer.GetMemory(chunk);
            writer.Advance(chunk);
            length -= chunk;
            if ((await writer.FlushAsync(cancellationToken)).IsCompleted)
            {
                return;
            }
        }
    }

    /// <summary>
    /// Reads the blob straight into Kestrel's output buffers, in the driver's preferred read size: no copy between the
    /// driver and the socket. Each read holds a slot of the <paramref name="budget"/> until it is flushed.
    /// </summary>
    private static async Task CopyAsync(Stream source, HttpResponse response, long length, BlobReadBudget budget, CancellationToken cancellationToken)
    {
        var writer = response.BodyWriter;
        while (length > 0)
        {
            await budget.WaitAsync(cancellationToken);
            try
            {
                var memory = writer.GetMemory((int)Math.Min(budget.ReadSize, length));
                var read = await source.ReadAsync(memory[..(int)Math.Min(memory.Length, length)], cancellationToken);
                if (read == 0)
                {
                    throw new IOException("blob ended before its recorded size");
                }

                writer.Advance(read);
                await writer.FlushAsync(cancellationToken);
                length -= read;
            }
            finally
            {
                budget.Release();
            }
        }
    }
}
