using System.Net.Http.Json;

namespace Speedy.ImageServer;

/// <summary>Reads a chunk server's <c>{"error": "..."}</c> answer.</summary>
internal static class ChunkErrors
{
    public static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync(ImageJsonContext.Default.ChunkErrorBody, cancellationToken).ConfigureAwait(false);
            return error?.Error ?? "no error message";
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException)
        {
            return "no error message";
        }
    }
}
