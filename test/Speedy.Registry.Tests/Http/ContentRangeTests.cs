using Speedy.Registry.Core;
using Speedy.Registry.Http;

namespace Speedy.Registry.Tests.Http;

public sealed class ContentRangeTests
{
    public static TheoryData<string> TruncatedPrefixes()
    {
        var data = new TheoryData<string>();
        foreach (var valid in (string[])["100-199", "bytes 100-199/*", "bytes=100-199/200"])
        {
            for (var length = 1; length < valid.Length; length++)
            {
                data.Add(valid[..length]);
            }
        }

        return data;
    }

    [Theory]
    [InlineData("0-0", 0, 0)]
    [InlineData("100-199", 100, 199)]
    [InlineData(" 100-199 ", 100, 199)]
    [InlineData("bytes 100-199/*", 100, 199)]
    [InlineData("bytes 100-199/1000", 100, 199)]
    [InlineData("bytes=100-199", 100, 199)]
    public void Parse_ValidRange_GivesStartAndEnd(string header, long start, long end)
    {
        var range = ContentRange.Parse(header);
        Assert.Equal(new ContentRange(start, end), range);
        Assert.Equal(end - start + 1, range!.Value.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Parse_NoHeader_IsNull(string? header) => Assert.Null(ContentRange.Parse(header));

    [Theory]
    [InlineData("abc")]
    [InlineData("5-2")]
    [InlineData("-5")]
    [InlineData("5-")]
    [InlineData("5")]
    [InlineData("+5-6")]
    [InlineData("5--6")]
    [InlineData("0-99999999999999999999")]
    [InlineData("bytes */1000")]
    public void Parse_MalformedRange_Is416RangeInvalid(string header)
    {
        var error = Assert.Throws<RegistryException>(() => ContentRange.Parse(header));
        Assert.Equal(OciErrorCode.RangeInvalid, error.Code);
        Assert.Equal(416, error.Status);
    }

    [Theory]
    [MemberData(nameof(TruncatedPrefixes))]
    public void Parse_EveryTruncatedPrefix_ParsesOrIsRangeInvalid(string header)
    {
        try
        {
            var range = ContentRange.Parse(header);
            Assert.NotNull(range);
            Assert.True(range.Value.End >= range.Value.Start);
        }
        catch (RegistryException error)
        {
            Assert.Equal(OciErrorCode.RangeInvalid, error.Code);
        }
    }
}
