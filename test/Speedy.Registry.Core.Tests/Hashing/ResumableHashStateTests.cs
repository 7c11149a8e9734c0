using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Speedy.Registry.Core.Hashing;

namespace Speedy.Registry.Core.Tests.Hashing;

/// <summary>The exported state's format, and that <see cref="ResumableHash.Restore"/> rejects anything else.</summary>
public sealed class ResumableHashStateTests
{
    private const int HeaderLength = 15;

    public static TheoryData<DigestAlgorithm, int> ValidStates()
    {
        var data = new TheoryData<DigestAlgorithm, int>();
        foreach (var algorithm in HashTestData.Algorithms)
        {
            foreach (var length in (int[])[0, 1, 64, 100, 128, 300])
            {
                data.Add(algorithm, length);
            }
        }

        return data;
    }

    public static TheoryData<DigestAlgorithm> Algorithms() => new(HashTestData.Algorithms);

    [Fact]
    public void ContextStructs_MatchOpenSslHeaderLayout()
    {
        Assert.Equal(112, Unsafe.SizeOf<Sha256Context>());
        Assert.Equal(32, Marshal.OffsetOf<Sha256Context>(nameof(Sha256Context.Nl)));
        Assert.Equal(104, Marshal.OffsetOf<Sha256Context>(nameof(Sha256Context.Num)));
        Assert.Equal(216, Unsafe.SizeOf<Sha512Context>());
        Assert.Equal(64, Marshal.OffsetOf<Sha512Context>(nameof(Sha512Context.Nl)));
        Assert.Equal(208, Marshal.OffsetOf<Sha512Context>(nameof(Sha512Context.Num)));
    }

    [Fact]
    public void ExportState_OfEmptySha256_IsTheInitialValuesInBigEndian()
    {
        var state = HashTestData.StateAfter(DigestAlgorithm.Sha256, 0);

        Assert.Equal(HeaderLength + 32 + 8, state.Length);
        Assert.Equal("SRHS"u8.ToArray(), state[..4]);
        Assert.Equal(1, state[4]);
        Assert.Equal(1, state[5]);
        Assert.Equal(0, state[6]);
        Assert.Equal(0ul, BinaryPrimitives.ReadUInt64BigEndian(state.AsSpan(7)));
        Assert.Equal(
            "6a09e667bb67ae853c6ef372a54ff53a510e527f9b05688c1f83d9ab5be0cd19",
            Convert.ToHexStringLower(state.AsSpan(HeaderLength, 32)));
    }

    [Fact]
    public void ExportState_OfSha512_RecordsTotalAndPendingBytes()
    {
        var data = HashTestData.RandomBytes(300);
        var state = HashTestData.StateAfter(DigestAlgorithm.Sha512, 300);

        Assert.Equal(2, state[5]);
        Assert.Equal(300 % 128, state[6]);
        Assert.Equal(300ul, BinaryPrimitives.ReadUInt64BigEndian(state.AsSpan(7)));
        Assert.Equal(HeaderLength + 64 + (300 % 128) + 8, state.Length);
        Assert.Equal(data[256..], state[(HeaderLength + 64)..^8]);
    }

    [Theory]
    [InlineData(DigestAlgorithm.Sha256, 63)]
    [InlineData(DigestAlgorithm.Sha512, 127)]
    public void ExportState_WithFullestPartialBlock_IsUnder256Bytes(DigestAlgorithm algorithm, int length)
    {
        Assert.InRange(HashTestData.StateAfter(algorithm, length).Length, 1, 255);
    }

    [Theory]
    [MemberData(nameof(ValidStates))]
    public void Restore_EveryTruncatedPrefix_ThrowsFormatException(DigestAlgorithm algorithm, int length)
    {
        var state = HashTestData.StateAfter(algorithm, length);

        for (var prefix = 0; prefix < state.Length; prefix++)
        {
            Assert.Throws<FormatException>(() => ResumableHash.Restore(state.AsSpan(0, prefix)));
        }
    }

    [Theory]
    [MemberData(nameof(ValidStates))]
    public void Restore_WithAnyBitFlipped_ThrowsFormatException(DigestAlgorithm algorithm, int length)
    {
        var state = HashTestData.StateAfter(algorithm, length);

        for (var bit = 0; bit < state.Length * 8; bit++)
        {
            var corrupt = (byte[])state.Clone();
            corrupt[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<FormatException>(() => ResumableHash.Restore(corrupt));
        }
    }

    [Theory]
    [MemberData(nameof(ValidStates))]
    public void Restore_WithATrailingByte_ThrowsFormatException(DigestAlgorithm algorithm, int length)
    {
        byte[] state = [.. HashTestData.StateAfter(algorithm, length), 0];

        Assert.Throws<FormatException>(() => ResumableHash.Restore(state));
    }

    [Fact]
    public void Restore_OfEmptyInput_ThrowsFormatException()
    {
        Assert.Throws<FormatException>(() => ResumableHash.Restore([]));
    }

    [Fact]
    public void Restore_WithBadMagic_ThrowsFormatException()
    {
        var state = HashTestData.StateAfter(DigestAlgorithm.Sha256, 10);
        state[0] = (byte)'X';

        AssertRejected(HashTestData.Reseal(state), "magic");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(255)]
    public void Restore_WithUnsupportedVersion_ThrowsFormatException(byte version)
    {
        var state = HashTestData.StateAfter(DigestAlgorithm.Sha256, 10);
        state[4] = version;

        AssertRejected(HashTestData.Reseal(state), "version");
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(255)]
    public void Restore_WithUnknownAlgorithmCode_ThrowsFormatException(byte code)
    {
        var state = HashTestData.StateAfter(DigestAlgorithm.Sha256, 10);
        state[5] = code;

        AssertRejected(HashTestData.Reseal(state), "algorithm");
    }

    [Fact]
    public void Restore_WithSha512CodeOnASha256State_ThrowsFormatException()
    {
        var state = HashTestData.StateAfter(DigestAlgorithm.Sha256, 10);
        state[5] = 2;

        AssertRejected(HashTestData.Reseal(state), "expected");
    }

    [Theory]
    [InlineData(DigestAlgorithm.Sha256, 64)]
    [InlineData(DigestAlgorithm.Sha256, 255)]
    [InlineData(DigestAlgorithm.Sha512, 128)]
    [InlineData(DigestAlgorithm.Sha512, 255)]
    public void Restore_WithPendingCountOfAWholeBlockOrMore_ThrowsFormatException(DigestAlgorithm algorithm, int pending)
    {
        var wordsLength = algorithm == DigestAlgorithm.Sha256 ? 32 : 64;
        var valid = HashTestData.StateAfter(algorithm, 0);
        var state = new byte[HeaderLength + wordsLength + pending + 8];
        valid.AsSpan(0, HeaderLength + wordsLength).CopyTo(state);
        state[6] = (byte)pending;
        BinaryPrimitives.WriteUInt64BigEndian(state.AsSpan(7), (ulong)pending);

        AssertRejected(HashTestData.Reseal(state), "block size");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Restore_WithTotalInconsistentWithPendingCount_ThrowsFormatException(DigestAlgorithm algorithm)
    {
        var state = HashTestData.StateAfter(algorithm, 300);
        BinaryPrimitives.WriteUInt64BigEndian(state.AsSpan(7), 301);

        AssertRejected(HashTestData.Reseal(state), "inconsistent");
    }

    [Theory]
    [InlineData(1ul << 61)]
    [InlineData(ulong.MaxValue - 63)]
    public void Restore_WithTotalOverTheLimit_ThrowsFormatException(ulong total)
    {
        var state = HashTestData.StateAfter(DigestAlgorithm.Sha256, 0);
        BinaryPrimitives.WriteUInt64BigEndian(state.AsSpan(7), total);

        AssertRejected(HashTestData.Reseal(state), "limit");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Restore_WithChangedWordsBeforeTheFirstBlock_ThrowsFormatException(DigestAlgorithm algorithm)
    {
        var state = HashTestData.StateAfter(algorithm, 20);
        state[HeaderLength + 3] ^= 1;

        AssertRejected(HashTestData.Reseal(state), "initial values");
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Restore_WithHugeButValidTotal_ContinuesCounting(DigestAlgorithm algorithm)
    {
        var blockSize = algorithm == DigestAlgorithm.Sha256 ? 64 : 128;
        var state = HashTestData.StateAfter(algorithm, blockSize);
        var total = (1ul << 40) + (ulong)blockSize;
        BinaryPrimitives.WriteUInt64BigEndian(state.AsSpan(7), total);

        using var hash = ResumableHash.Restore(HashTestData.Reseal(state));
        hash.Append(new byte[3]);

        Assert.Equal((long)total + 3, hash.BytesHashed);
        using var again = ResumableHash.Restore(hash.ExportState());
        Assert.Equal(hash.GetCurrentDigest(), again.GetCurrentDigest());
    }

    private static void AssertRejected(byte[] state, string reason)
    {
        var exception = Assert.Throws<FormatException>(() => ResumableHash.Restore(state));
        Assert.Contains(reason, exception.Message, StringComparison.Ordinal);
    }
}
