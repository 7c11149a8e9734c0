using System.Net;

namespace Speedy.ChunkServer.Tests;

/// <summary><see cref="ChunkServerOptions"/>: what is accepted and what is refused on start, with the setting named.</summary>
public sealed class OptionsTests
{
    [Theory]
    [InlineData("127.0.0.1:7001", "127.0.0.1", 7001)]
    [InlineData("0.0.0.0:80", "0.0.0.0", 80)]
    [InlineData("[::1]:7001", "::1", 7001)]
    [InlineData("localhost:9000", "127.0.0.1", 9000)]
    [InlineData("127.0.0.1:0", "127.0.0.1", 0)]
    public void ParseEndPoint_AcceptsAnIpOrLocalhostAndAPort(string listen, string address, int port)
    {
        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), ChunkServerOptions.ParseEndPoint(listen));
    }

    [Theory]
    [InlineData("")]
    [InlineData("7001")]
    [InlineData(":7001")]
    [InlineData("127.0.0.1")]
    [InlineData("127.0.0.1:")]
    [InlineData("127.0.0.1:65536")]
    [InlineData("127.0.0.1:-1")]
    [InlineData("127.0.0.1: 80")]
    [InlineData("example.com:80")]
    [InlineData("::1:7001:x")]
    public void ParseEndPoint_RefusesAnythingElse_NamingTheFlag(string listen)
    {
        var error = Assert.Throws<ArgumentException>(() => ChunkServerOptions.ParseEndPoint(listen));
        Assert.Contains("--listen", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_AcceptsTheDefaultsWithADirectory()
    {
        var options = new ChunkServerOptions { Directories = ["/tmp/x"] };

        options.Validate();

        Assert.Equal("http://127.0.0.1:7001", options.EffectivePublicUrl);
    }

    [Theory]
    [InlineData(nameof(ChunkServerOptions.Directories), "--dir")]
    [InlineData(nameof(ChunkServerOptions.Group), "--group")]
    [InlineData(nameof(ChunkServerOptions.VolumeSize), "volume size")]
    [InlineData(nameof(ChunkServerOptions.WritableVolumes), "WritableVolumes")]
    [InlineData(nameof(ChunkServerOptions.HeartbeatInterval), "HeartbeatInterval")]
    [InlineData(nameof(ChunkServerOptions.PublicUrl), "--public-url")]
    [InlineData(nameof(ChunkServerOptions.Listen), "--listen")]
    [InlineData(nameof(ChunkServerOptions.Replaces), "--replace")]
    public void Validate_RefusesASettingOutOfRange_NamingIt(string setting, string named)
    {
        var options = new ChunkServerOptions { Directories = ["/tmp/x"] };
        switch (setting)
        {
            case nameof(ChunkServerOptions.Directories):
                options.Directories = [];
                break;
            case nameof(ChunkServerOptions.Group):
                options.Group = 0;
                break;
            case nameof(ChunkServerOptions.VolumeSize):
                options.VolumeSize = (32L << 30) + 1;
                break;
            case nameof(ChunkServerOptions.WritableVolumes):
                options.WritableVolumes = 0;
                break;
            case nameof(ChunkServerOptions.HeartbeatInterval):
                options.HeartbeatInterval = TimeSpan.Zero;
                break;
            case nameof(ChunkServerOptions.PublicUrl):
                options.PublicUrl = "chunk-1:7001";
                break;
            case nameof(ChunkServerOptions.Replaces):
                options.Masters = ["http://master:9333"];
                options.Replaces = "chunk-3:7001";
                break;
            default:
                options.Listen = "nowhere";
                break;
        }

        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_RefusesAReplacementWithoutMasters_ForItFindsItsPeersThroughThem()
    {
        var options = new ChunkServerOptions { Directories = ["/tmp/x"], Replaces = "http://chunk-3:7001" };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("--replace needs --master", error.Message, StringComparison.Ordinal);
    }
}
