using Microsoft.IdentityModel.Tokens;
using Speedy.Auth;

namespace Speedy.Testing;

/// <summary>A fixed set of public keys, as an in-process key source hands them over; counts how often it was asked.</summary>
public sealed class StaticSigningKeySource(IReadOnlyList<SecurityKey> keys) : ISigningKeySource
{
    private int _requests;

    public int Requests => Volatile.Read(ref _requests);

    public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        return ValueTask.FromResult(keys);
    }
}
