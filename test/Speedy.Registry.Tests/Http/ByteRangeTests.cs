using Speedy.Registry.Http;

namespace Speedy.Registry.Tests.Http;

public sealed class ByteRangeTests
{
    public static TheoryData<string> TruncatedPrefixes()
    {
        var data = new TheoryData<string>();
        foreach (var valid in (string[])["bytes=10-19", "bytes=990-", "bytes=-25"])
        {
            for (var length = 0; length < valid.Length; length++)
            {
                data.Add(valid[..length]);
            }
        }

        return data;
    }

    [Theory]
    [InlineData("bytes=0-0", 0, 1)]
    [InlineData("bytes=10-19", 10, 10)]
    [InlineData("BYTES=10-19", 10, 10)]
    [InlineData("bytes= 10 - 19 ", 10, 10)]
    [InlineData("bytes=990-", 990, 10)]
    [InlineData("bytes=990-5000", 990, 10)]
    [InlineData("bytes=-25", 975, 25)]
    [InlineData("bytes=-1000", 0, 1000)]
    [InlineData("bytes=-9223372036854775807", 0, 1000)]
    public void Resolve_SatisfiableRange_IsClampedToTheSize(string header, long start, long length)
    {
        var range = ByteRange.Resolve(header, 1000, out var unsatisfiable);
        Assert.False(unsatisfiable);
        Assert.Equal(new ByteRange(start, length), range);
    }

    [Theory]
    [InlineData("bytes=1000-")]
    [InlineData("bytes=1000-2000")]
    [InlineData("bytes=-0")]
    public void Resolve_RangeOutsideTheBlob_IsUnsatisfiable(string header)
    {
        Assert.Null(ByteRange.Resolve(header, 1000, out var unsatisfiable));
        Assert.True(unsatisfiable);
    }

    [Theory]
    [InlineData("bytes=0-")]
    [InlineData("bytes=-5")]
    public void Resolve_AnyRangeOfAnEmptyBlob_IsUnsatisfiable(string header)
    {
        Assert.Null(ByteRange.Resolve(header, 0, out var unsatisfiable));
        Assert.True(unsatisfiable);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bytes=5-2")]
    [InlineData("bytes=0-1,4-5")]
    [InlineData("items=0-5")]
    [InlineData("bytes=a-b")]
    [InlineData("bytes=1-2-3")]
    [InlineData("bytes=+1-2")]
    [InlineData("bytes=99999999999999999999-")]
    [InlineData("bytes=0-99999999999999999999")]
    public void Resolve_MalformedHeader_MeansTheWholeBlob(string? header)
    {
        Assert.Null(ByteRange.Resolve(header, 1000, out var unsatisfiable));
        Assert.False(unsatisfiable);
    }

    [Theory]
    [MemberData(nameof(TruncatedPrefixes))]
    public void Resolve_EveryTruncatedPrefix_NeverThrows(string header)
    {
        var range = ByteRange.Resolve(header, 1000, out var unsatisfiable);
        if (range is { } r)
        {
            Assert.False(unsatisfiable);
            Assert.InRange(r.Start, 0, 999);
            Assert.InRange(r.Start + r.Length, 1, 1000);
        }
    }
}
