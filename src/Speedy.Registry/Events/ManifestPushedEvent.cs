using Speedy.Registry.Core;

namespace Speedy.Registry.Events;

/// <param name="Repository">The repository name.</param>
/// <param name="Tag">The tag it was pushed under; null when pushed by digest.</param>
/// <param name="Digest">The manifest's digest.</param>
/// <param name="MediaType">The manifest's media type.</param>
/// <param name="Size">The manifest's size in bytes.</param>
/// <param name="Subject">The authenticated account; null when anonymous or when authentication is off.</param>
/// <param name="Time">When the registry accepted it.</param>
public sealed record ManifestPushedEvent(string Repository, string? Tag, Digest Digest, string MediaType, long Size, string? Subject, DateTimeOffset Time);
