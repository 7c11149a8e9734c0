using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Speedy.ChunkServer;

namespace Speedy.Master;

/// <summary>
/// <c>POST /v1/heartbeat</c>: a chunk server's state, every few seconds; the answer lists the members of its group
/// (<see cref="HeartbeatAnswer"/>), which is how chunk servers find their peers.
/// </summary>
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

        if (!IsHttpUrl(heartbeat.Url))
        {
            return Error(StatusCodes.Status400BadRequest, $"the member url \"{heartbeat.Url}\" is not an http:// or https:// URL");
        }

        if (heartbeat.Replaces is not null && !IsHttpUrl(heartbeat.Replaces))
        {
            return Error(StatusCodes.Status400BadRequest, $"the replaced member \"{heartbeat.Replaces}\" is not an http:// or https:// URL");
        }

        heartbeat = heartbeat with { Url = heartbeat.Url.TrimEnd('/'), Replaces = heartbeat.Replaces?.TrimEnd('/') };
        var answer = membership.Record(heartbeat, out var refusal);
        if (answer is null)
        {
            return Error(StatusCodes.Status409Conflict, refusal ?? "refused");
        }

        leaser.Observe(heartbeat.NeedleIdHighWaterMark);
        return TypedResults.Json(answer, ChunkJsonContext.Default.HeartbeatAnswer);
    }

    private static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttp || url.Scheme == Uri.UriSchemeHttps);

    private static JsonHttpResult<MasterError> Error(int status, string message) =>
        TypedResults.Json(new MasterError(message), MasterJsonContext.Default.MasterError, statusCode: status);
}
