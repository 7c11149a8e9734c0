using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>A two-platform OCI image index, built with umoci, through a real `speedy registry`.</summary>
public sealed class ImageIndexTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SkopeoCopyAll_TwoPlatformImageIndex_RoundTripsByteIdentical()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("index");
        var (layout, index) = await BuildTwoPlatformIndexAsync(temp.Combine("source"), cancellationToken);
        await using var registry = await RegistryProcess.StartRegistryAsync(temp.CreateSubdirectory("data"), output, cancellationToken);
        var remote = $"docker://{registry.Authority}/index/multi:latest";

        await Skopeo.CopyAsync(layout.Reference("multi"), remote, output, cancellationToken, "--all", "--dest-tls-verify=false");
        var pulled = new OciLayout(temp.Combine("pulled"));
        await Skopeo.CopyAsync(remote, pulled.Reference("latest"), output, cancellationToken, "--all", "--src-tls-verify=false");

        // Index, two manifests, two configs, two layers each.
        Assert.Equal(9, layout.Closure(index).Count);
        OciAssert.SameContent(layout, index, pulled, "latest");
    }

    [Fact]
    public async Task ImageIndex_ServedByTagAndPlatformsByDigest_WithTheirOwnMediaTypesAndDigests()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("index-http");
        var (layout, index) = await BuildTwoPlatformIndexAsync(temp.Combine("source"), cancellationToken);
        await using var registry = await RegistryProcess.StartRegistryAsync(temp.CreateSubdirectory("data"), output, cancellationToken);
        await Skopeo.CopyAsync(
            layout.Reference("multi"), $"docker://{registry.Authority}/index/served:latest", output, cancellationToken, "--all", "--dest-tls-verify=false");

        using var client = registry.CreateClient();
        await ExpectManifestAsync(client, "latest", index, layout, cancellationToken);
        foreach (var manifest in layout.IndexManifests(index.Digest))
        {
            await ExpectManifestAsync(client, manifest.Digest, manifest, layout, cancellationToken);

            // skopeo picks the platform's manifest out of the index (its "Digest" stays the index's).
            var inspect = (await Skopeo.RunAsync(
                ["inspect", "--override-arch", manifest.Architecture ?? "", "--override-os", "linux", "--tls-verify=false", $"docker://{registry.Authority}/index/served:latest"],
                output,
                cancellationToken)).EnsureSuccess();
            using var document = JsonDocument.Parse(inspect.StandardOutput);
            Assert.Equal(index.Digest, document.RootElement.GetProperty("Digest").GetString());
            Assert.Equal(manifest.Architecture, document.RootElement.GetProperty("Architecture").GetString());
            Assert.Equal(
                layout.Closure(manifest).Skip(2).Select(d => d.Digest),
                document.RootElement.GetProperty("Layers").EnumerateArray().Select(l => l.GetString()));
        }
    }

    private static async Task ExpectManifestAsync(
        HttpClient client, string reference, OciDescriptor expected, OciLayout layout, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/index/served/manifests/{reference}");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciLayout.IndexMediaType));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciLayout.ManifestMediaType));
        using var response = await client.SendAsync(request, cancellationToken);
        await RegistryApi.ExpectStatusAsync(response, HttpStatusCode.OK, cancellationToken);
        Assert.Equal(expected.MediaType, response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(expected.Digest, RegistryApi.Header(response, "Docker-Content-Digest"));
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
        Assert.Equal(Encoding.UTF8.GetString(layout.ReadBlob(expected.Digest)), Encoding.UTF8.GetString(body));
    }

    /// <summary>Two umoci images whose configs differ in architecture, and an index over both with platform fields.</summary>
    private async Task<(OciLayout Layout, OciDescriptor Index)> BuildTwoPlatformIndexAsync(string layoutPath, CancellationToken cancellationToken)
    {
        var amd64 = await OciImageBuilder.BuildAsync(layoutPath, "amd64", "amd64", [20_000, 30_000], output, cancellationToken);
        var arm64 = await OciImageBuilder.BuildAsync(layoutPath, "arm64", "arm64", [40_000, 50_000], output, cancellationToken);
        Assert.NotEqual(amd64.Layout.Closure(amd64.Manifest)[1].Digest, arm64.Layout.Closure(arm64.Manifest)[1].Digest);
        var layout = new OciLayout(layoutPath);
        return (layout, layout.AddImageIndex("multi", [amd64.Manifest, arm64.Manifest]));
    }
}
