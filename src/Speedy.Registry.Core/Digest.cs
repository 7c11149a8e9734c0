using System.Diagnostics.CodeAnalysis;

namespace Speedy.Registry.Core;

/// <summary>A content digest, <c>algorithm:encoded</c>, with the encoded part in lowercase hex.</summary>
public readonly record struct Digest
{
    private Digest(DigestAlgorithm algorithm, string hex)
    {
        Algorithm = algorithm;
        Hex = hex;
    }

    public DigestAlgorithm Algorithm { get; }

    /// <summary>The lowercase hex encoding of the hash.</summary>
    public string Hex { get; }

    /// <summary>The algorithm's name as it appears in a digest string: "sha256" or "sha512".</summary>
    public string AlgorithmName => NameOf(Algorithm);

    public static string NameOf(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => "sha256",
        DigestAlgorithm.Sha512 => "sha512",
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    /// <summary>The number of hex characters of the algorithm's hash.</summary>
    public static int HexLengthOf(DigestAlgorithm algorithm) => algorithm switch
    {
        DigestAlgorithm.Sha256 => 64,
        DigestAlgorithm.Sha512 => 128,
        _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
    };

    public static Digest FromHash(DigestAlgorithm algorithm, ReadOnlySpan<byte> hash)
    {
        if (hash.Length * 2 != HexLengthOf(algorithm))
        {
            throw new ArgumentException("hash length does not match the algorithm", nameof(hash));
        }

        return new Digest(algorithm, Convert.ToHexStringLower(hash));
    }

    /// <summary>Parses a digest string; throws <see cref="FormatException"/> when it is not a supported digest.</summary>
    public static Digest Parse(string value) =>
        TryParse(value, out var digest) ? digest : throw new FormatException($"invalid digest \"{value}\"");

    public static bool TryParse([NotNullWhen(true)] string? value, out Digest digest)
    {
        digest = default;
        if (value is null)
        {
            return false;
        }

        var colon = value.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        DigestAlgorithm algorithm;
        var name = value.AsSpan(0, colon);
        if (name.SequenceEqual("sha256"))
        {
            algorithm = DigestAlgorithm.Sha256;
        }
        else if (name.SequenceEqual("sha512"))
        {
            algorithm = DigestAlgorithm.Sha512;
        }
        else
        {
            return false;
        }

        var hex = value.AsSpan(colon + 1);
        if (hex.Length != HexLengthOf(algorithm))
        {
            return false;
        }

        foreach (var c in hex)
        {
            if (!char.IsAsciiDigit(c) && c is not (>= 'a' and <= 'f'))
            {
                return false;
            }
        }

        digest = new Digest(algorithm, hex.ToString());
        return true;
    }

    public override string ToString() => Hex is null ? string.Empty : $"{AlgorithmName}:{Hex}";
}
