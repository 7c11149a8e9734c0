using Speedy.Registry.Core.Hashing;

namespace Speedy.Registry.Core.Tests.Hashing;

public sealed class ResumableHashTests
{
    public static TheoryData<DigestAlgorithm, int> AlgorithmsAndLengths()
    {
        int[] lengths = [0, 1, 55, 56, 63, 64, 65, 111, 112, 127, 128, 129, 1000, (1 << 20) + 3];
        var data = new TheoryData<DigestAlgorithm, int>();
        foreach (var algorithm in HashTestData.Algorithms)
        {
            foreach (var length in lengths)
            {
                data.Add(algorithm, length);
            }
        }

        return data;
    }

    public static TheoryData<DigestAlgorithm> Algorithms() => new(HashTestData.Algorithms);

    [Theory]
    [MemberData(nameof(AlgorithmsAndLengths))]
    public void Append_InOneCall_MatchesSystemHash(DigestAlgorithm algorithm, int length)
    {
        var data = HashTestData.RandomBytes(length);
        using var hash = ResumableHash.Create(algorithm);

        hash.Append(data);

        Assert.Equal(HashTestData.Reference(algorithm, data), hash.GetCurrentDigest());
        Assert.Equal(length, hash.BytesHashed);
    }

    [Theory]
    [MemberData(nameof(AlgorithmsAndLengths))]
    public void Append_InUnevenPieces_MatchesSystemHash(DigestAlgorithm algorithm, int length)
    {
        var data = HashTestData.RandomBytes(length);
        var random = new Random(length);
        using var hash = ResumableHash.Create(algorithm);

        var offset = 0;
        while (offset < length)
        {
            var piece = Math.Min(length - offset, random.Next(0, 300));
            hash.Append(data.AsSpan(offset, piece));
            offset += piece;
        }

        Assert.Equal(HashTestData.Reference(algorithm, data), hash.GetCurrentDigest());
    }

    [Theory]
    [MemberData(nameof(AlgorithmsAndLengths))]
    public void Restore_AfterExportOfWholeInput_GivesTheSameDigest(DigestAlgorithm algorithm, int length)
    {
        var data = HashTestData.RandomBytes(length);
        byte[] state;
        using (var hash = ResumableHash.Create(algorithm))
        {
            hash.Append(data);
            state = hash.ExportState();
        }

        using var restored = ResumableHash.Restore(state);

        Assert.Equal(algorithm, restored.Algorithm);
        Assert.Equal(length, restored.BytesHashed);
        Assert.Equal(HashTestData.Reference(algorithm, data), restored.GetCurrentDigest());
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Restore_AfterExportAtEveryOffset_MatchesOneShotHash(DigestAlgorithm algorithm)
    {
        var data = HashTestData.RandomBytes(301);
        var expected = HashTestData.Reference(algorithm, data);

        for (var offset = 0; offset <= 300; offset++)
        {
            byte[] state;
            using (var first = ResumableHash.Create(algorithm))
            {
                first.Append(data.AsSpan(0, offset));
                state = first.ExportState();
            }

            using var second = ResumableHash.Restore(state);
            Assert.Equal(offset, second.BytesHashed);
            second.Append(data.AsSpan(offset));

            Assert.Equal(expected, second.GetCurrentDigest());
            Assert.Equal(data.Length, second.BytesHashed);
        }
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void Restore_ChainedAcrossManyUploadChunks_MatchesOneShotHash(DigestAlgorithm algorithm)
    {
        var data = HashTestData.RandomBytes(200_000);
        var random = new Random(7);
        var state = HashTestData.StateAfter(algorithm, 0);

        var offset = 0;
        while (offset < data.Length)
        {
            var chunk = Math.Min(data.Length - offset, random.Next(1, 20_000));
            using var hash = ResumableHash.Restore(state);
            hash.Append(data.AsSpan(offset, chunk));
            state = hash.ExportState();
            offset += chunk;
        }

        using var last = ResumableHash.Restore(state);
        Assert.Equal(HashTestData.Reference(algorithm, data), last.GetCurrentDigest());
        Assert.Equal(data.Length, last.BytesHashed);
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void GetCurrentDigest_AtEveryOffset_MatchesPrefixAndDoesNotDisturbFurtherAppends(DigestAlgorithm algorithm)
    {
        var data = HashTestData.RandomBytes(301);
        using var hash = ResumableHash.Create(algorithm);

        for (var offset = 0; offset <= 300; offset++)
        {
            Assert.Equal(HashTestData.Reference(algorithm, data.AsSpan(0, offset)), hash.GetCurrentDigest());
            Assert.Equal(offset, hash.BytesHashed);
            if (offset < 300)
            {
                hash.Append(data.AsSpan(offset, 1));
            }
        }

        hash.Append(data.AsSpan(300));
        Assert.Equal(HashTestData.Reference(algorithm, data), hash.GetCurrentDigest());
    }

    [Theory]
    [MemberData(nameof(Algorithms))]
    public void GetCurrentDigest_CalledTwice_GivesTheSameDigest(DigestAlgorithm algorithm)
    {
        using var hash = ResumableHash.Create(algorithm);
        hash.Append(HashTestData.RandomBytes(100));

        Assert.Equal(hash.GetCurrentDigest(), hash.GetCurrentDigest());
    }

    [Fact]
    public void GetCurrentDigest_OfNothing_IsTheWellKnownEmptyDigest()
    {
        using var sha256 = ResumableHash.Create(DigestAlgorithm.Sha256);
        using var sha512 = ResumableHash.Create(DigestAlgorithm.Sha512);

        Assert.Equal(
            "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
            sha256.GetCurrentDigest().ToString());
        Assert.Equal(
            "sha512:cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e",
            sha512.GetCurrentDigest().ToString());
    }

    [Fact]
    public void BytesHashed_CountsEveryAppendAcrossExportAndRestore()
    {
        using var hash = ResumableHash.Create(DigestAlgorithm.Sha256);
        Assert.Equal(0, hash.BytesHashed);

        hash.Append(new byte[10]);
        hash.Append([]);
        hash.Append(new byte[70]);
        Assert.Equal(80, hash.BytesHashed);

        using var restored = ResumableHash.Restore(hash.ExportState());
        restored.Append(new byte[5]);
        Assert.Equal(85, restored.BytesHashed);
        Assert.Equal(80, hash.BytesHashed);
    }

    [Fact]
    public void Append_AfterExportState_LeavesTheExportedStateUnchanged()
    {
        var data = HashTestData.RandomBytes(150);
        using var hash = ResumableHash.Create(DigestAlgorithm.Sha256);
        hash.Append(data.AsSpan(0, 100));
        var state = hash.ExportState();

        hash.Append(data.AsSpan(100));

        using var restored = ResumableHash.Restore(state);
        Assert.Equal(HashTestData.Reference(DigestAlgorithm.Sha256, data.AsSpan(0, 100)), restored.GetCurrentDigest());
        Assert.Equal(HashTestData.Reference(DigestAlgorithm.Sha256, data), hash.GetCurrentDigest());
    }

    [Fact]
    public void Create_WithUnknownAlgorithm_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ResumableHash.Create((DigestAlgorithm)42));
    }

    [Fact]
    public void Dispose_ThenAnyUse_ThrowsObjectDisposed()
    {
        var hash = ResumableHash.Create(DigestAlgorithm.Sha256);
        hash.Append([1, 2, 3]);

        hash.Dispose();
        hash.Dispose();

        Assert.Throws<ObjectDisposedException>(() => hash.Append([4]));
        Assert.Throws<ObjectDisposedException>(() => hash.Append([]));
        Assert.Throws<ObjectDisposedException>(() => hash.ExportState());
        Assert.Throws<ObjectDisposedException>(() => hash.GetCurrentDigest());
        Assert.Equal(3, hash.BytesHashed);
        Assert.Equal(DigestAlgorithm.Sha256, hash.Algorithm);
    }
}
