using Speedy.Registry.Core;

namespace Speedy.Registry.Storage;

/// <summary>A manifest as stored: its bytes are immutable for its digest, so it may be cached anywhere.</summary>
internal sealed record StoredManifest(Digest Digest, string MediaType, byte[] Content);
