using System.Buffers;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Speedy.IO;
using Speedy.Volume;

namespace Speedy.ImageServer;

/// <summary>
/// <c>PUT /v1/fragments</c> stores a fragment on every member of a group and answers its file id and CRC-32C;
/// <c>GET /v1/fragments/{fid}</c> serves it (a single byte range too) from memory or any healthy replica.
/// </summary>
internal static class FragmentEndpoints
{
    public static async Task<IResult> PutAsync(HttpContext context, FragmentWriter writer, ImageServerOptions options)
    {
        var request = context.Request;
        if (request.ContentLength is not { } length)
        {
            return Error(StatusCodes.Status411LengthRequired, "a fragment upload needs a Content-Length");
        }

        if (length > options.MaxFragmentBytes)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, $"a fragment is at most {options.MaxFragmentBytes} bytes, not {length}");
        }

        if (!TryQuery(request, "index", out var index) || !TryQuery(request, "offset", out var offset))
        {
            return Error(StatusCodes.Status400BadRequest, "index and offset must be non-negative integers");
        }

        // Buffered (it is bounded), so a failed group can be retried with the same bytes.
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Max(1, length));
        try
        {
            var fragment = buffer.AsMemory(0, (int)length);
            try
            {
                await request.Body.ReadExactlyAsync(fragment, context.RequestAborted);
            }
            catch (EndOfStreamException)
            {
                return Error(StatusCodes.Status400BadRequest, "the body ended before its Content-Length");
            }

            var stored = await writer.UploadAsync(fragment, Crc32C.Compute(fragment.Span), index, offset, context.RequestAborted);
            return Results.Json(stored, ImageJsonContext.Default.FragmentStored, statusCode: StatusCodes.Status201Created);
        }
        catch (FragmentException ex)
        {
            return Error(ex.Status, ex.Message);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static async Task<IResult> GetAsync(HttpContext context, FragmentCache cache, string fid)
    {
        if (!FileId.TryParse(fid, out var fileId))
        {
            return Error(StatusCodes.Status400BadRequest, $"invalid file id \"{fid}\"");
        }

        uint? expectedCrc = null;
        if (context.Request.Query.TryGetValue("crc", out var raw))
        {
            if (!uint.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var crc))
            {
                return Error(StatusCodes.Status400BadRequest, "crc must be the fragment's CRC-32C as a decimal number");
            }

            expectedCrc = crc;
        }

        try
        {
            var fragment = await cache.GetAsync(fileId, expectedCrc, context.RequestAborted);
            return Results.Bytes(fragment.Bytes, "application/octet-stream", enableRangeProcessing: true);
        }
        catch (FragmentException ex)
        {
            return Error(ex.Status, ex.Message);
        }
    }

    private static bool TryQuery(HttpRequest request, string name, out long? value)
    {
        value = null;
        if (!request.Query.TryGetValue(name, out var raw))
        {
            return true;
        }

        if (!long.TryParse(raw.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
        {
            return false;
        }

        value = parsed;
        return true;
    }

    private static IResult Error(int status, string message) =>
        Results.Json(new ImageError(message), ImageJsonContext.Default.ImageError, statusCode: status);
}
