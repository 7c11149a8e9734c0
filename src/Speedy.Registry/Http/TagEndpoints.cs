using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Speedy.Registry.Core;

namespace Speedy.Registry.Http;

/// <summary><c>GET /v2/&lt;name&gt;/tags/list</c> and <c>GET /v2/_catalog</c>, with <c>n</c>/<c>last</c> pagination and <c>Link</c> headers.</summary>
internal static class TagEndpoints
{
    public static async Task ListTagsAsync(HttpContext context, RegistryContext registry, RegistryRoute route)
    {
        var (limit, last) = RequestExtensions.Pagination(context.Request, int.MaxValue, int.MaxValue);
        var page = await registry.Store.ListTagsAsync(route.Name, last, limit, context.RequestAborted)
            ?? throw new RegistryException(OciErrorCode.NameUnknown, $"repository {route.Name} is not known to the registry");

        if (page.HasMore)
        {
            SetNextLink(context.Response, $"/v2/{route.Name}/tags/list", limit, page.Items[^1]);
        }

        await WriteJsonAsync(
            context,
            (route.Name, page.Items),
            static (writer, state) =>
            {
                writer.WriteString("name", state.Name);
                WriteArray(writer, "tags", state.Items);
            });
    }

    public static async Task ListRepositoriesAsync(HttpContext context, RegistryContext registry)
    {
        var max = registry.Options.MaxPageSize;
        var (limit, last) = RequestExtensions.Pagination(context.Request, max, max);
        var page = await registry.Store.ListRepositoriesAsync(last, limit, context.RequestAborted);
        if (page.HasMore)
        {
            SetNextLink(context.Response, "/v2/_catalog", limit, page.Items[^1]);
        }

        await WriteJsonAsync(context, page.Items, static (writer, items) => WriteArray(writer, "repositories", items));
    }

    private static void SetNextLink(HttpResponse response, string path, int limit, string last) =>
        response.Headers.Link = $"<{path}?n={limit}&last={Uri.EscapeDataString(last)}>; rel=\"next\"";

    private static void WriteArray(Utf8JsonWriter writer, string name, IReadOnlyList<string> items)
    {
        writer.WriteStartArray(name);
        foreach (var item in items)
        {
            writer.WriteStringValue(item);
        }

        writer.WriteEndArray();
    }

    /// <summary>
    /// Writes a JSON object as a 200 response (headers only for HEAD). The properties come from
    /// <paramref name="writeProperties"/>, a static lambda given its <paramref name="state"/>, so nothing is
    /// captured per request.
    /// </summary>
    internal static async Task WriteJsonAsync<TState>(
        HttpContext context, TState state, Action<Utf8JsonWriter, TState> writeProperties, string contentType = "application/json; charset=utf-8")
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, JsonOutput.WriterOptions))
        {
            writer.WriteStartObject();
            writeProperties(writer, state);
            writer.WriteEndObject();
        }

        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = contentType;
        response.ContentLength = buffer.Length;
        if (!HttpMethods.IsHead(context.Request.Method))
        {
            await response.Body.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length), context.RequestAborted);
        }
    }
}
