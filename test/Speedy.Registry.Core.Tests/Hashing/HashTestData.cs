using System.Security.Cryptography;
using Speedy.Registry.Core.Hashing;

namespace Speedy.Registry.Core.Tests.Hashing;

/// <summary>Reference hashes from .NET's own SHA-2 and deterministic input for the resumable hash tests.</summary>
internal static class HashTestData
{
    public static readonly DigestAlgorithm[] Algorithms = [DigestAlgorithm.Sha256, DigestAlgorithm.Sha512];

    public static byte[] RandomBytes(int length, int seed = 1)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    public static Digest Reference(DigestAlgorithm algorithm, ReadOnlySpan<byte> data) => algorithm switch
    {
        DigestAlgorithm.Sha256 => Digest.FromHash(algorithm, SHA256.HashData(data)),
        DigestAlgorithm.Sha512 => Digest.FromHash(algorithm, SHA512.HashData(data)),
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>A state exported after <paramref name="length"/> bytes of <see cref="RandomBytes"/>.</summary>
    public static byte[] StateAfter(DigestAlgorithm algorithm, int length)
    {
        using var hash = ResumableHash.Create(algorithm);
        hash.Append(RandomBytes(length));
        return hash.ExportState();
    }

    /// <summary>Recomputes the trailing checksum, so a hand-edited state reaches the checks behind it.</summary>
    public static byte[] Reseal(byte[] state)
    {
        var checksum = SHA256.HashData(state.AsSpan(0, state.Length - 8));
        checksum.AsSpan(0, 8).CopyTo(state.AsSpan(state.Length - 8));
        return state;
    }
}
