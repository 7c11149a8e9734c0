using System.Text;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>
/// The real podman, as root with a private vfs store per side. Podman stores layers uncompressed and compresses
/// them again on push, so the pushed layer blobs are podman's own; what must survive the round trip is the image
/// (its config digest, which pins every layer's uncompressed digest), the manifest podman pushed, and every file.
/// </summary>
public sealed class PodmanTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PodmanPushAndPull_ThreeLayerImage_RoundTripsItsConfigManifestAndFiles()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("podman");
        var image = await OciImageBuilder.BuildAsync(
            temp.Combine("source"), "v1", "amd64", [100_000, 700_000, 2_000_000], output, cancellationToken);
        await using var registry = await RegistryProcess.StartRegistryAsync(temp.CreateSubdirectory("data"), output, cancellationToken);
        var reference = $"{registry.Authority}/podman/round-trip:v1";

        using var pusher = new PodmanStore(temp.CreateSubdirectory("pusher"), output);
        // `podman pull` prints the image id (the config digest's hex) on stdout.
        var pushedId = await pusher.RunCheckedAsync(["pull", image.Reference], cancellationToken);
        await pusher.RunCheckedAsync(["tag", pushedId, reference], cancellationToken);
        var digestFile = temp.Combine("pushed.digest");
        await pusher.RunCheckedAsync(["push", "--tls-verify=false", "--digestfile", digestFile, reference], cancellationToken);
        var pushedDigest = File.ReadAllText(digestFile).Trim();

        // What the registry holds under the tag is exactly the manifest podman says it pushed.
        var raw = (await Skopeo.RunAsync(["inspect", "--raw", "--tls-verify=false", $"docker://{reference}"], output, cancellationToken)).EnsureSuccess();
        Assert.Equal(pushedDigest, OciLayout.Sha256Digest(Encoding.UTF8.GetBytes(raw.StandardOutput)));

        using var puller = new PodmanStore(temp.CreateSubdirectory("puller"), output);
        await puller.RunCheckedAsync(["pull", "--tls-verify=false", reference], cancellationToken);
        var pulledId = await puller.RunCheckedAsync(["image", "inspect", "--format", "{{.Id}}", reference], cancellationToken);
        var pulledDigest = await puller.RunCheckedAsync(["image", "inspect", "--format", "{{.Digest}}", reference], cancellationToken);
        Assert.Equal(image.Layout.Closure(image.Manifest)[1].Digest, $"sha256:{pushedId}");
        Assert.Equal(pushedId, pulledId);
        Assert.Equal(pushedDigest, pulledDigest);

        var root = await puller.RunCheckedAsync(["image", "mount", reference], cancellationToken);
        try
        {
            foreach (var (path, content) in image.Files)
            {
                var file = Path.Combine(root, path.TrimStart('/'));
                Assert.True(File.Exists(file), $"{path} is missing from the pulled image.");
                Assert.True(content.AsSpan().SequenceEqual(File.ReadAllBytes(file)), $"{path} differs after the round trip.");
            }
        }
        finally
        {
            await puller.RunCheckedAsync(["image", "unmount", reference], cancellationToken);
        }
    }
}
