using Speedy.Registry.Core;

namespace Speedy.Registry.Events;

/// <param name="Repository">The repository name.</param>
/// <param name="Digest">The unlinked blob's digest.</param>
/// <param name="Subject">The authenticated account; null when anonymous or when authentication is off.</param>
/// <param name="Time">When it was unlinked.</param>
public sealed record BlobDeletedEvent(string Repository, Digest Digest, string? Subject, DateTimeOffset Time);
