namespace Speedy.Registry.Events;

/// <param name="Repository">The repository name.</param>
/// <param name="Tag">The deleted tag.</param>
/// <param name="Subject">The authenticated account; null when anonymous or when authentication is off.</param>
/// <param name="Time">When it was deleted.</param>
public sealed record TagDeletedEvent(string Repository, string Tag, string? Subject, DateTimeOffset Time);
