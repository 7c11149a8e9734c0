namespace Speedy.Index.Events;

/// <summary>One registry event, from <c>POST /events</c> or in process through <see cref="IndexEvents.Record"/>.</summary>
/// <param name="Kind">Push, pull or delete.</param>
/// <param name="Repository">The repository name.</param>
/// <param name="Reference">The tag or digest the client named, if any.</param>
/// <param name="Digest">The manifest's digest, if known.</param>
/// <param name="Subject">The token's subject (account name); empty for anonymous.</param>
/// <param name="Time">When it happened.</param>
public sealed record RegistryEvent(
    RegistryEventKind Kind, string Repository, string? Reference, string? Digest, string? Subject, DateTimeOffset Time);
