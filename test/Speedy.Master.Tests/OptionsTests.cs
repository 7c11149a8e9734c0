using Speedy.Master.Tests.Harness;

namespace Speedy.Master.Tests;

/// <summary>The master's settings: durations as the command line takes them, and what is refused.</summary>
public sealed class OptionsTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("10s", 10_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("2m", 120_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("00:00:10", 10_000)]
    public void ParseDuration_TakesAUnitOrATimeSpan(string text, int milliseconds)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), MasterOptions.ParseDuration(text));
    }

    [Theory]
    [InlineData("")]
    [InlineData("ten seconds")]
    [InlineData("0s")]
    [InlineData("-5s")]
    [InlineData("5x")]
    public void ParseDuration_RefusesWhatIsNotAPositiveDuration(string text)
    {
        Assert.Throws<FormatException>(() => MasterOptions.ParseDuration(text));
    }

    [Fact]
    public void Validate_RefusesAnIndexOutsideZeroTo63()
    {
        var options = TestMaster.OptionsFor();
        options.Index = 64;

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains("--index", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RefusesForgetAfterNoLongerThanTheHeartbeatTimeout()
    {
        var options = TestMaster.OptionsFor();
        options.ForgetAfter = options.HeartbeatTimeout;

        Assert.Throws<ArgumentException>(options.Validate);
    }

    [Fact]
    public void Validate_RefusesAListenAddressThatIsNotIpAndPort()
    {
        var options = TestMaster.OptionsFor();
        options.Listen = "master.internal";

        Assert.Throws<ArgumentException>(options.Validate);
    }
}
