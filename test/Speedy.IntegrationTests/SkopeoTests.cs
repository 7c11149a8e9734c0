using System.Text;
using System.Text.Json;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>The real skopeo against a real `speedy registry` on the filesystem driver.</summary>
public sealed class SkopeoTests(ITestOutputHelper output)
{
    private static readonly int[] s_layerSizes = [64 * 1024, 1024 * 1024, 6 * 1024 * 1024];

    [Fact]
    public async Task SkopeoCopy_PushedThreeLayerImage_PullsBackByteIdentical()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("skopeo-copy");
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", s_layerSizes, output, cancellationToken);
        await using var registry = await RegistryProcess.StartRegistryAsync(temp.CreateSubdirectory("data"), output, cancellationToken);
        var remote = $"docker://{registry.Authority}/skopeo/three-layers:v1";

        await Skopeo.CopyAsync(image.Reference, remote, output, cancellationToken, "--dest-tls-verify=false");
        var pulled = new OciLayout(temp.Combine("pulled"));
        await Skopeo.CopyAsync(remote, pulled.Reference("v1"), output, cancellationToken, "--src-tls-verify=false");

        Assert.Equal(5, image.Layout.Closure(image.Manifest).Count);
        OciAssert.SameContent(image.Layout, image.Manifest, pulled, "v1");
    }

    [Fact]
    public async Task SkopeoCopy_BetweenRepositoriesOfOneRegistry_PullsBackByteIdentical()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("skopeo-cross-repository");
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", [5_000, 500_000, 1_500_000], output, cancellationToken);
        await using var registry = await RegistryProcess.StartRegistryAsync(temp.CreateSubdirectory("data"), output, cancellationToken);
        var first = $"docker://{registry.Authority}/skopeo/first:v1";
        var second = $"docker://{registry.Authority}/skopeo/second/nested:v2";

        // Registry to registry: skopeo asks to mount the blobs from the first repository (POST ?mount=&from=).
        await Skopeo.CopyAsync(image.Reference, first, output, cancellationToken, "--dest-tls-verify=false");
        await Skopeo.CopyAsync(first, second, output, cancellationToken, "--src-tls-verify=false", "--dest-tls-verify=false");
        var pulled = new OciLayout(temp.Combine("pulled"));
        await Skopeo.CopyAsync(second, pulled.Reference("v2"), output, cancellationToken, "--src-tls-verify=false");

        OciAssert.SameContent(image.Layout, image.Manifest, pulled, "v2");
    }

    [Fact]
    public async Task SkopeoInspect_PushedImage_ReportsItsDigestPlatformLayersAndRawBytes()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("skopeo-inspect");
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "arm64", [4096, 8192, 16384], output, cancellationToken);
        await using var registry = await RegistryProcess.StartRegistryAsync(temp.CreateSubdirectory("data"), output, cancellationToken);
        var remote = $"docker://{registry.Authority}/skopeo/inspected:v1";
        await Skopeo.CopyAsync(image.Reference, remote, output, cancellationToken, "--dest-tls-verify=false");

        var inspect = (await Skopeo.RunAsync(["inspect", "--tls-verify=false", remote], output, cancellationToken)).EnsureSuccess();
        using var document = JsonDocument.Parse(inspect.StandardOutput);
        var root = document.RootElement;
        Assert.Equal(image.Manifest.Digest, root.GetProperty("Digest").GetString());
        Assert.Equal("arm64", root.GetProperty("Architecture").GetString());
        Assert.Equal("linux", root.GetProperty("Os").GetString());
        Assert.Equal(["v1"], root.GetProperty("RepoTags").EnumerateArray().Select(t => t.GetString()));
        var expectedLayers = image.Layout.Closure(image.Manifest).Skip(2).Select(d => d.Digest);
        Assert.Equal(expectedLayers, root.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()));

        var raw = (await Skopeo.RunAsync(["inspect", "--raw", "--tls-verify=false", remote], output, cancellationToken)).EnsureSuccess();
        Assert.Equal(Encoding.UTF8.GetString(image.Layout.ReadBlob(image.Manifest.Digest)), raw.StandardOutput);

        var config = (await Skopeo.RunAsync(["inspect", "--config", "--raw", "--tls-verify=false", remote], output, cancellationToken)).EnsureSuccess();
        var configDigest = image.Layout.Closure(image.Manifest)[1].Digest;
        Assert.Equal(Encoding.UTF8.GetString(image.Layout.ReadBlob(configDigest)), config.StandardOutput);
    }

    [Fact]
    public async Task SkopeoListTags_ListsEveryTagOfTheRepositoryAndNoOther()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("skopeo-tags");
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", [1000, 2000, 3000], output, cancellationToken);
        await using var registry = await RegistryProcess.StartRegistryAsync(temp.CreateSubdirectory("data"), output, cancellationToken);
        var repository = $"docker://{registry.Authority}/skopeo/tagged";
        await Skopeo.CopyAsync(image.Reference, $"{repository}:v1", output, cancellationToken, "--dest-tls-verify=false");
        await Skopeo.CopyAsync($"{repository}:v1", $"{repository}:latest", output, cancellationToken, "--src-tls-verify=false", "--dest-tls-verify=false");
        await Skopeo.CopyAsync(image.Reference, $"docker://{registry.Authority}/skopeo/other:elsewhere", output, cancellationToken, "--dest-tls-verify=false");

        var list = (await Skopeo.RunAsync(["list-tags", "--tls-verify=false", repository], output, cancellationToken)).EnsureSuccess();
        using var document = JsonDocument.Parse(list.StandardOutput);
        var tags = document.RootElement.GetProperty("Tags").EnumerateArray().Select(t => t.GetString()).Order(StringComparer.Ordinal);
        Assert.Equal(["latest", "v1"], tags);
    }
}
