using Microsoft.IdentityModel.Tokens;
using Speedy.Auth;

namespace Speedy.Testing;

/// <summary>A fixed set of public keys, as an in-process key source hands them over.</summary>
public sealed class StaticSigningKeySource(IReadOnlyList<SecurityKey> keys) : ISigningKeySource
{
    public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken) => ValueTask.FromResult(keys);
}
