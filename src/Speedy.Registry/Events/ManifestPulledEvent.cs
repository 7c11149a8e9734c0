using Speedy.Registry.Core;

namespace Speedy.Registry.Events;

/// <param name="Repository">The repository name.</param>
/// <param name="Reference">The tag or digest the client asked for.</param>
/// <param name="Digest">The digest of the manifest served.</param>
/// <param name="Subject">The authenticated account; null when anonymous or when authentication is off.</param>
/// <param name="Time">When it was served.</param>
public sealed record ManifestPulledEvent(string Repository, string Reference, Digest Digest, string? Subject, DateTimeOffset Time);
