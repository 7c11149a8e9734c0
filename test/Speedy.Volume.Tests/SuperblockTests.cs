using Speedy.Volume.Format;

namespace Speedy.Volume.Tests;

public class SuperblockTests
{
    private static readonly Superblock s_superblock = new(new VolumeId(9), new GroupId(4), DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123), 2, 1L << 30);

    [Fact]
    public void Write_ThenRead_RoundTrips()
    {
        var bytes = new byte[Superblock.Size];
        s_superblock.Write(bytes);

        Assert.True(Superblock.TryRead(bytes, out var read));
        Assert.Equal(s_superblock, read);
    }

    [Fact]
    public void TryRead_OfEveryTruncatedPrefix_Fails()
    {
        var bytes = new byte[Superblock.Size];
        s_superblock.Write(bytes);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(Superblock.TryRead(bytes.AsSpan(0, length), out _));
        }
    }

    [Fact]
    public void TryRead_OfEveryBitFlipped_Fails()
    {
        var bytes = new byte[Superblock.Size];
        s_superblock.Write(bytes);
        for (var bit = 0; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(Superblock.TryRead(bytes, out _), $"bit {bit}");
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }

    [Fact]
    public void CompactionMarker_OfEveryBitFlippedOrTruncation_Fails()
    {
        var marker = new CompactionMarker(5, 123_456);
        var bytes = new byte[CompactionMarker.Size];
        marker.Write(bytes);
        Assert.True(CompactionMarker.TryRead(bytes, out var read));
        Assert.Equal(marker, read);
        for (var length = 0; length < bytes.Length; length++)
        {
            Assert.False(CompactionMarker.TryRead(bytes.AsSpan(0, length), out _));
        }

        for (var bit = 0; bit < bytes.Length * 8; bit++)
        {
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.False(CompactionMarker.TryRead(bytes, out _), $"bit {bit}");
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
        }
    }
}
