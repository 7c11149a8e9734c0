namespace Speedy.Volume.Tests;

public class FileIdTests
{
    public static TheoryData<string> ValidIds => ["3.1,1637037d6", "0.0,000000000", "2.3,101637037d6", "4294967295.4294967295,ffffffffffffffffffffffff", "12.345,abcdef0123456789deadbeef"];

    [Fact]
    public void Format_WritesGroupVolumeNeedleAndCookie()
    {
        var id = new FileId(new GroupId(3), new VolumeId(1), new NeedleId(0x1), new Cookie(0x637037d6));

        Assert.Equal("3.1,1637037d6", id.ToString());
    }

    [Fact]
    public void Format_PadsTheCookieToEightDigitsAndTrimsTheNeedle()
    {
        var id = new FileId(new GroupId(0), new VolumeId(0), new NeedleId(0), new Cookie(0));

        Assert.Equal("0.0,000000000", id.ToString());
    }

    [Theory]
    [MemberData(nameof(ValidIds))]
    public void Parse_OfCanonicalForm_RoundTrips(string text)
    {
        var id = FileId.Parse(text);

        Assert.Equal(text, id.ToString());
    }

    [Fact]
    public void Parse_OfLargestValues_ReadsEachField()
    {
        var id = FileId.Parse("4294967295.4294967295,ffffffffffffffffffffffff");

        Assert.Equal(new FileId(new GroupId(uint.MaxValue), new VolumeId(uint.MaxValue), new NeedleId(ulong.MaxValue), new Cookie(uint.MaxValue)), id);
    }

    [Theory]
    [MemberData(nameof(ValidIds))]
    public void TryParse_OfEveryTruncatedPrefix_NeverYieldsTheOriginalId(string text)
    {
        var original = FileId.Parse(text);
        for (var length = 0; length < text.Length; length++)
        {
            var prefix = text[..length];
            if (FileId.TryParse(prefix.AsSpan(), out var parsed))
            {
                // A prefix can be another valid id ("2.3,101637037d" is needle 0x10, cookie 1637037d), never this one.
                Assert.NotEqual(original, parsed);
                Assert.Equal(prefix, parsed.ToString());
            }
        }
    }

    [Fact]
    public void TryParse_OfEveryTruncatedPrefixOfAOneDigitNeedle_Fails()
    {
        const string text = "3.1,1637037d6";
        for (var length = 0; length < text.Length; length++)
        {
            Assert.False(FileId.TryParse(text.AsSpan(0, length), out _), text[..length]);
        }
    }

    [Theory]
    [InlineData("3.1,1637037D6")]
    [InlineData("3.1,01637037d6")]
    [InlineData("03.1,1637037d6")]
    [InlineData("3.01,1637037d6")]
    [InlineData("3,1637037d6")]
    [InlineData("3.1.1637037d6")]
    [InlineData("3.1,637037d6")]
    [InlineData("3.1,1637037d6 ")]
    [InlineData(" 3.1,1637037d6")]
    [InlineData("+3.1,1637037d6")]
    [InlineData("-3.1,1637037d6")]
    [InlineData("3.1,g637037d6")]
    [InlineData("4294967296.1,1637037d6")]
    [InlineData("3.4294967296,1637037d6")]
    [InlineData("3.1,1ffffffffffffffff637037d6")]
    [InlineData("3.1,,1637037d6")]
    [InlineData("")]
    public void TryParse_OfNonCanonicalForm_Fails(string text)
    {
        Assert.False(FileId.TryParse(text.AsSpan(), out _));
        Assert.Throws<FormatException>(() => FileId.Parse(text));
    }

    [Fact]
    public void TryFormat_IntoTooShortABuffer_FailsAtEveryLength()
    {
        var id = FileId.Parse("4294967295.4294967295,ffffffffffffffffffffffff");
        var full = id.ToString();
        Assert.Equal(FileId.MaxLength, full.Length);
        for (var length = 0; length < full.Length; length++)
        {
            Assert.False(id.TryFormat(new char[length], out _));
        }

        Assert.True(id.TryFormat(new char[full.Length], out var written));
        Assert.Equal(full.Length, written);
    }

    [Fact]
    public void TryParse_ThroughTheParsableInterface_MatchesParse()
    {
        Assert.True(Parse<FileId>("2.3,101637037d6", out var id));
        Assert.Equal(FileId.Parse("2.3,101637037d6"), id);

        static bool Parse<T>(string text, out T value)
            where T : IParsable<T> => T.TryParse(text, null, out value!);
    }
}
