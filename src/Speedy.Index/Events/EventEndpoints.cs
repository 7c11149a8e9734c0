using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Speedy.Index.Tokens;

namespace Speedy.Index.Events;

/// <summary><c>POST /events</c>: the registry's events as a JSON batch, authenticated by the shared Bearer secret.</summary>
internal static class EventEndpoints
{
    public const string Path = "/events";

    private const long MaxBodyBytes = 1 << 20;

    public static async Task PostAsync(HttpContext context, IndexEvents events, IndexOptions options)
    {
        if (!IsAuthorized(context.Request.Headers.Authorization.ToString(), options.EventsSecret))
        {
            await TokenService.WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "invalid_client", "events need the shared secret as a Bearer token");
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        EventBatch? batch;
        try
        {
            batch = await context.Request.ReadFromJsonAsync(IndexJsonContext.Default.EventBatch, context.RequestAborted);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException or BadHttpRequestException)
        {
            await TokenService.WriteErrorAsync(context, StatusCodes.Status400BadRequest, "UNSUPPORTED", "invalid_request", "the body is not an event batch: " + ex.Message);
            return;
        }

        var accepted = 0;
        var rejected = 0;
        foreach (var wire in batch?.Events ?? [])
        {
            var kind = wire?.Action switch
            {
                "push" => RegistryEventKind.Push,
                "pull" => RegistryEventKind.Pull,
                "delete" => RegistryEventKind.Delete,
                _ => (RegistryEventKind?)null,
            };
            if (wire is { Repository: { } repository, Time: { } time } && kind is { } known &&
                events.Record(new RegistryEvent(known, repository, wire.Reference, wire.Digest, wire.Subject, time)))
            {
                accepted++;
            }
            else
            {
                rejected++;
            }
        }

        await context.Response.WriteAsJsonAsync(
            new EventResult(accepted, rejected), IndexJsonContext.Default.EventResult, contentType: null, context.RequestAborted);
    }

    private static bool IsAuthorized(string header, string? secret)
    {
        const string Bearer = "Bearer ";
        if (secret is null || !header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var given = SHA256.HashData(Encoding.UTF8.GetBytes(header[Bearer.Length..].Trim()));
        var expected = SHA256.HashData(Encoding.UTF8.GetBytes(secret));
        return CryptographicOperations.FixedTimeEquals(given, expected);
    }
}
