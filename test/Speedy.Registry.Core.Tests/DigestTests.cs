namespace Speedy.Registry.Core.Tests;

public sealed class DigestTests
{
    private const string Sha256Hex = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

    private const string Sha512Hex =
        "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";

    public static TheoryData<string> ValidDigests() => new("sha256:" + Sha256Hex, "sha512:" + Sha512Hex);

    public static TheoryData<string> TruncatedPrefixes()
    {
        var data = new TheoryData<string>();
        foreach (var valid in (string[])["sha256:" + Sha256Hex, "sha512:" + Sha512Hex])
        {
            for (var length = 0; length < valid.Length; length++)
            {
                data.Add(valid[..length]);
            }
        }

        return data;
    }

    public static TheoryData<string> InvalidDigests() => new(
        "sha256:" + Sha256Hex.ToUpperInvariant(),
        "sha256:" + Sha256Hex[..^1] + "A",
        "sha256:" + Sha256Hex[..^1] + "g",
        "sha256:" + Sha256Hex + "0",
        "sha256:" + Sha512Hex,
        "sha512:" + Sha256Hex,
        "sha512:" + Sha512Hex + "00",
        "SHA256:" + Sha256Hex,
        "sha384:" + Sha256Hex + Sha256Hex[..32],
        "md5:d41d8cd98f00b204e9800998ecf8427e",
        ":" + Sha256Hex,
        "sha256" + Sha256Hex,
        "sha256::" + Sha256Hex[1..],
        "sha256:" + Sha256Hex[..32] + ":" + Sha256Hex[33..],
        " sha256:" + Sha256Hex,
        "sha256:" + Sha256Hex + " ",
        "sha256:" + Sha256Hex + "\n",
        "sha256+gzip:" + Sha256Hex,
        "sha256:" + Sha256Hex[..^1] + "\u0661");

    [Theory]
    [MemberData(nameof(ValidDigests))]
    public void Parse_ValidDigest_RoundTripsThroughToString(string value)
    {
        var digest = Digest.Parse(value);

        Assert.Equal(value, digest.ToString());
        Assert.Equal(value[(value.IndexOf(':', StringComparison.Ordinal) + 1)..], digest.Hex);
    }

    [Fact]
    public void Parse_Sha256_HasSha256Algorithm()
    {
        var digest = Digest.Parse("sha256:" + Sha256Hex);

        Assert.Equal(DigestAlgorithm.Sha256, digest.Algorithm);
        Assert.Equal("sha256", digest.AlgorithmName);
        Assert.Equal(Sha256Hex, digest.Hex);
    }

    [Fact]
    public void Parse_Sha512_HasSha512Algorithm()
    {
        var digest = Digest.Parse("sha512:" + Sha512Hex);

        Assert.Equal(DigestAlgorithm.Sha512, digest.Algorithm);
        Assert.Equal("sha512", digest.AlgorithmName);
        Assert.Equal(Sha512Hex, digest.Hex);
    }

    [Theory]
    [MemberData(nameof(InvalidDigests))]
    public void TryParse_InvalidDigest_ReturnsFalse(string value)
    {
        Assert.False(Digest.TryParse(value, out var digest));
        Assert.Equal(default, digest);
        Assert.Throws<FormatException>(() => Digest.Parse(value));
    }

    [Theory]
    [MemberData(nameof(TruncatedPrefixes))]
    public void TryParse_EveryTruncatedPrefixOfAValidDigest_ReturnsFalse(string value)
    {
        Assert.False(Digest.TryParse(value, out _));
        Assert.Throws<FormatException>(() => Digest.Parse(value));
    }

    [Fact]
    public void TryParse_Null_ReturnsFalse()
    {
        Assert.False(Digest.TryParse(null, out _));
    }

    [Fact]
    public void Equality_OfParsedDigests_IsByValue()
    {
        Assert.Equal(Digest.Parse("sha256:" + Sha256Hex), Digest.Parse("sha256:" + Sha256Hex));
        Assert.NotEqual(Digest.Parse("sha256:" + Sha256Hex), Digest.Parse("sha256:" + Sha256Hex[..^1] + "6"));
    }

    [Fact]
    public void FromHash_EncodesLowercaseHex()
    {
        var hash = Convert.FromHexString(Sha256Hex.ToUpperInvariant());

        var digest = Digest.FromHash(DigestAlgorithm.Sha256, hash);

        Assert.Equal("sha256:" + Sha256Hex, digest.ToString());
        Assert.Equal(Digest.Parse("sha256:" + Sha256Hex), digest);
    }

    [Theory]
    [InlineData(DigestAlgorithm.Sha256, 0)]
    [InlineData(DigestAlgorithm.Sha256, 31)]
    [InlineData(DigestAlgorithm.Sha256, 64)]
    [InlineData(DigestAlgorithm.Sha512, 32)]
    [InlineData(DigestAlgorithm.Sha512, 65)]
    public void FromHash_WithWrongHashLength_ThrowsArgumentException(DigestAlgorithm algorithm, int length)
    {
        Assert.Throws<ArgumentException>(() => Digest.FromHash(algorithm, new byte[length]));
    }

    [Fact]
    public void FromHash_WithUnknownAlgorithm_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Digest.FromHash((DigestAlgorithm)42, new byte[32]));
    }

    [Fact]
    public void ToString_OfDefault_IsEmpty()
    {
        Assert.Equal(string.Empty, default(Digest).ToString());
    }

    [Theory]
    [InlineData(DigestAlgorithm.Sha256, "sha256", 64)]
    [InlineData(DigestAlgorithm.Sha512, "sha512", 128)]
    public void NameOfAndHexLengthOf_DescribeTheAlgorithm(DigestAlgorithm algorithm, string name, int hexLength)
    {
        Assert.Equal(name, Digest.NameOf(algorithm));
        Assert.Equal(hexLength, Digest.HexLengthOf(algorithm));
    }
}
