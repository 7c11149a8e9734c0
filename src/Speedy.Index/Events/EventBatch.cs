using System.Text.Json.Serialization;

namespace Speedy.Index.Events;

/// <summary>
/// The body of <c>POST /events</c>: <c>{"events":[{"action":"push|pull|delete","repository":…,"reference":…,
/// "digest":…,"subject":…,"time":"RFC 3339"}]}</c>.
/// </summary>
internal sealed record EventBatch([property: JsonPropertyName("events")] IReadOnlyList<WireEvent>? Events);

internal sealed record WireEvent(
    [property: JsonPropertyName("action")] string? Action,
    [property: JsonPropertyName("repository")] string? Repository,
    [property: JsonPropertyName("reference")] string? Reference,
    [property: JsonPropertyName("digest")] string? Digest,
    [property: JsonPropertyName("subject")] string? Subject,
    [property: JsonPropertyName("time")] DateTimeOffset? Time);

/// <summary>The answer to <c>POST /events</c>: how many events were taken and how many refused as malformed.</summary>
internal sealed record EventResult(
    [property: JsonPropertyName("accepted")] int Accepted,
    [property: JsonPropertyName("rejected")] int Rejected);
