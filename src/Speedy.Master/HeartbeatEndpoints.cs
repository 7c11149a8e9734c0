using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Speedy.ChunkServer;

namespace Speedy.Master;

/// <summary><c>POST /v1/heartbeat</c>: a chunk server's state, every few seconds.</summary>
internal static class HeartbeatEndpoints
{
    public static async Task<IResult> PostAsync(HttpRequest request, Membership membership, NeedleIdLeaser leaser, CancellationToken cancellationToken)
    {
        Heartbeat? heartbeat;
        try
        {
            heartbeat = await request.ReadFromJsonAsync(ChunkJsonContext.Default.Heartbeat, cancellationToken);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or NotSupportedException)
        {
            return Error(StatusCodes.Status400BadRequest, $"the heartbeat is not valid JSON: {ex.Message}");
        }

        if (heartbeat is null || heartbeat.Url is null || heartbeat.Volumes is null)
        {
            return Error(StatusCodes.Status400BadRequest, "the heartbeat needs a url and a list of volumes");
        }

        if (heartbeat.Group == 0)
        {
            return Error(StatusCodes.Status400BadRequest, "the group id must be positive");
        }

        if (!Uri.TryCreate(heartbeat.Url, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return Error(StatusCodes.Status400BadRequest, $"the member url \"{heartbeat.Url}\" is not an http:// or https:// URL");
        }

        heartbeat = heartbeat with { Url = heartbeat.Url.TrimEnd('/') };
        if (!membership.Record(heartbeat, out var existingGroup))
        {
            return Error(StatusCodes.Status409Conflict, $"member {heartbeat.Url} belongs to group {existingGroup}, not {heartbeat.Group}; a member cannot change group while the master remembers it");
        }

        leaser.Observe(heartbeat.NeedleIdHighWaterMark);
        return TypedResults.NoContent();
    }

    private static JsonHttpResult<MasterError> Error(int status, string message) =>
        TypedResults.Json(new MasterError(message), MasterJsonContext.Default.MasterError, statusCode: status);
}
