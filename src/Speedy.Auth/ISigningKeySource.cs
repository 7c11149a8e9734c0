using Microsoft.IdentityModel.Tokens;

namespace Speedy.Auth;

/// <summary>
/// The index's public signing keys as the registry sees them: fetched from the index's JWKS over HTTP, or handed over
/// in process by <c>speedy server</c>. Asked again with a key id it has not seen, a source may refresh (rate limited).
/// </summary>
public interface ISigningKeySource
{
    ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken);
}
