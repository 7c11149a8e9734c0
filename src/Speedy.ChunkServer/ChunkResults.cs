using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Speedy.ChunkServer;

/// <summary>Error answers of the chunk server: a status and <c>{"error": "..."}</c>.</summary>
internal static class ChunkResults
{
    public static IResult Error(int status, string message) =>
        Results.Json(new ChunkError(message), ChunkJsonContext.Default.ChunkError, statusCode: status);

    public static async Task WriteErrorAsync(HttpResponse response, int status, string message)
    {
        response.StatusCode = status;
        response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(response.Body, new ChunkError(message), ChunkJsonContext.Default.ChunkError);
    }
}
