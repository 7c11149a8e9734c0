using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>`speedy server`, every role in one process: what a new user runs first.</summary>
public sealed class AllInOneServerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SpeedyServer_SkopeoPushAndPull_RoundTripsByteIdentical()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("server");
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", [10_000, 200_000, 2_000_000], output, cancellationToken);
        await using var server = await RegistryProcess.StartServerAsync(temp.CreateSubdirectory("data"), output, cancellationToken);
        var remote = $"docker://{server.Authority}/server/app:v1";

        await Skopeo.CopyAsync(image.Reference, remote, output, cancellationToken, "--dest-tls-verify=false");
        var pulled = new OciLayout(temp.Combine("pulled"));
        await Skopeo.CopyAsync(remote, pulled.Reference("v1"), output, cancellationToken, "--src-tls-verify=false");

        OciAssert.SameContent(image.Layout, image.Manifest, pulled, "v1");
    }
}
