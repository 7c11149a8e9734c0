using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Speedy.MetaServer;

/// <summary>
/// The meta server's HTTP API over an <see cref="IMetaStore"/>. Every path travels URL-encoded in the query
/// parameter <c>path</c> (never in the URL's path, where "..", "//" and "%2F" would be normalized away before
/// the store could refuse them):
/// <code>
/// GET    /v1/meta?path=P                         200 inline bytes (application/octet-stream) or a fragment list (JSON); 404
/// HEAD   /v1/meta?path=P                         200 Speedy-Kind: file|directory, Speedy-Size, Speedy-Modified (µs); 404
/// PUT    /v1/meta?path=P   application/octet-stream  204; the body (≤ 1 MiB, else 413) becomes an inline file
/// PUT    /v1/meta?path=P   application/json      204; {"size", "fragments": [{index, offset, length, fileId, crc32c}]}
/// DELETE /v1/meta?path=P                         204; 404 if nothing was there (recursive for a directory)
/// POST   /v1/meta/fragments?path=P               200 {"size"}; body {"fragments": [...]}
/// GET    /v1/meta/list?path=D&amp;startAfter=N&amp;limit=L  200 {"names": [...], "next": N or null}
/// POST   /v1/meta/move                           204; body {"from", "to"}; 404 if the source is no file
/// </code>
/// An invalid path or body is 400, a conflict 409, every error body <c>{"error": "..."}</c>.
/// </summary>
internal static class MetaEndpoints
{
    public static async Task GetAsync(HttpContext context, IMetaStore store)
    {
        var path = RequirePath(context.Request);
        var entry = await store.GetAsync(path, context.RequestAborted)
            ?? throw new MetaRequestException(StatusCodes.Status404NotFound, $"no file at \"{path}\"");
        if (entry.IsInline)
        {
            context.Response.ContentType = MetaProtocol.OctetStream;
            context.Response.ContentLength = entry.Content.Length;
            await context.Response.Body.WriteAsync(entry.Content, context.RequestAborted);
            return;
        }

        var document = new FragmentListDocument(entry.Size, WireFragment.From(entry.Fragments));
        await context.Response.WriteAsJsonAsync(document, MetaJsonContext.Default.FragmentListDocument, contentType: null, context.RequestAborted);
    }

    public static async Task StatAsync(HttpContext context, IMetaStore store)
    {
        var path = RequirePath(context.Request);
        var info = await store.StatAsync(path, context.RequestAborted)
            ?? throw new MetaRequestException(StatusCodes.Status404NotFound, $"nothing at \"{path}\"");
        var headers = context.Response.Headers;
        headers[MetaProtocol.KindHeader] = info.IsDirectory ? MetaProtocol.DirectoryKind : MetaProtocol.FileKind;
        headers[MetaProtocol.SizeHeader] = info.Size.ToString(CultureInfo.InvariantCulture);
        headers[MetaProtocol.ModifiedHeader] = StoredTime.From(info.ModifiedAt).ToString(CultureInfo.InvariantCulture);
    }

    public static async Task<IResult> PutAsync(HttpContext context, IMetaStore store)
    {
        var request = context.Request;
        var path = RequirePath(request);
        MetaEntry entry;
        if (IsJson(request))
        {
            var document = await ReadJsonAsync(request, MetaJsonContext.Default.FragmentListDocument, context.RequestAborted);
            entry = MetaEntry.Fragmented(document.Size, WireFragment.ToFragments(document.Fragments));
        }
        else if (request.ContentType is null || IsMediaType(request, MetaProtocol.OctetStream))
        {
            entry = await ReadInlineAsync(request, context.RequestAborted);
        }
        else
        {
            throw new MetaRequestException(
                StatusCodes.Status415UnsupportedMediaType,
                $"PUT takes {MetaProtocol.OctetStream} (inline content) or {MetaProtocol.Json} (a fragment list), not {request.ContentType}");
        }

        await store.PutAsync(path, entry, context.RequestAborted);
        return Results.NoContent();
    }

    public static async Task<IResult> DeleteAsync(HttpContext context, IMetaStore store)
    {
        var path = RequirePath(context.Request);
        return await store.DeleteAsync(path, context.RequestAborted)
            ? Results.NoContent()
            : throw new MetaRequestException(StatusCodes.Status404NotFound, $"nothing at \"{path}\"");
    }

    public static async Task AppendFragmentsAsync(HttpContext context, IMetaStore store)
    {
        var path = RequirePath(context.Request);
        var body = await ReadJsonAsync(context.Request, MetaJsonContext.Default.AppendFragmentsRequest, context.RequestAborted);
        var size = await store.AppendFragmentsAsync(path, WireFragment.ToFragments(body.Fragments), context.RequestAborted);
        await context.Response.WriteAsJsonAsync(new AppendFragmentsResult(size), MetaJsonContext.Default.AppendFragmentsResult, contentType: null, context.RequestAborted);
    }

    public static async Task ListAsync(HttpContext context, IMetaStore store)
    {
        var query = context.Request.Query;
        var directory = RequirePath(context.Request);
        var startAfter = Single(query, MetaProtocol.StartAfterParameter);
        var limit = MetaProtocol.DefaultListLimit;
        if (Single(query, MetaProtocol.LimitParameter) is { } limitText
            && (!int.TryParse(limitText, NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit is < 1 or > MetaLimits.MaxListLimit))
        {
            throw new MetaRequestException(
                StatusCodes.Status400BadRequest, $"limit must be a whole number from 1 to {MetaLimits.MaxListLimit}");
        }

        var names = await store.ListAsync(directory, startAfter, limit, context.RequestAborted);
        var page = new ListPage(names, names.Count == limit ? names[^1] : null);
        await context.Response.WriteAsJsonAsync(page, MetaJsonContext.Default.ListPage, contentType: null, context.RequestAborted);
    }

    public static async Task<IResult> MoveAsync(HttpContext context, IMetaStore store)
    {
        var body = await ReadJsonAsync(context.Request, MetaJsonContext.Default.MoveRequest, context.RequestAborted);
        return await store.MoveAsync(body.From, body.To, context.RequestAborted)
            ? Results.NoContent()
            : throw new MetaRequestException(StatusCodes.Status404NotFound, $"no file at \"{body.From}\"");
    }

    private static string RequirePath(HttpRequest request) =>
        Single(request.Query, MetaProtocol.PathParameter)
        ?? throw new MetaRequestException(StatusCodes.Status400BadRequest, "the query parameter \"path\" is required");

    private static string? Single(IQueryCollection query, string name)
    {
        var values = query[name];
        return values.Count switch
        {
            0 => null,
            1 => values[0],
            _ => throw new MetaRequestException(StatusCodes.Status400BadRequest, $"the query parameter \"{name}\" appears more than once"),
        };
    }

    private static bool IsJson(HttpRequest request) => IsMediaType(request, MetaProtocol.Json);

    private static bool IsMediaType(HttpRequest request, string mediaType) =>
        MediaTypeHeaderValue.TryParse(request.ContentType, out var parsed)
        && parsed.MediaType.Equals(mediaType, StringComparison.OrdinalIgnoreCase);

    private static async Task<T> ReadJsonAsync<T>(
        HttpRequest request, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken)
        where T : class
    {
        if (!IsJson(request))
        {
            throw new MetaRequestException(
                StatusCodes.Status415UnsupportedMediaType, $"the body must be {MetaProtocol.Json}, not {request.ContentType ?? "untyped"}");
        }

        if (request.ContentLength > MetaProtocol.MaxJsonBodyBytes)
        {
            throw new MetaRequestException(
                StatusCodes.Status413PayloadTooLarge, $"a JSON body may be at most {MetaProtocol.MaxJsonBodyBytes} bytes");
        }

        return await JsonSerializer.DeserializeAsync(request.Body, typeInfo, cancellationToken)
            ?? throw new MetaRequestException(StatusCodes.Status400BadRequest, "the JSON body is null");
    }

    /// <summary>Reads an inline file's content: at most <see cref="MetaLimits.MaxInlineLength"/> bytes, else 413.</summary>
    private static async Task<MetaEntry> ReadInlineAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.ContentLength > MetaLimits.MaxInlineLength)
        {
            throw TooLarge();
        }

        var buffer = ArrayPool<byte>.Shared.Rent(MetaLimits.MaxInlineLength + 1);
        try
        {
            var length = 0;
            while (true)
            {
                var read = await request.Body.ReadAsync(buffer.AsMemory(length, MetaLimits.MaxInlineLength + 1 - length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > MetaLimits.MaxInlineLength)
                {
                    throw TooLarge();
                }
            }

            return MetaEntry.Inline(buffer.AsSpan(0, length));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        static MetaRequestException TooLarge() => new(
            StatusCodes.Status413PayloadTooLarge,
            $"inline content may be at most {MetaLimits.MaxInlineLength} bytes; store larger files as fragments");
    }
}
