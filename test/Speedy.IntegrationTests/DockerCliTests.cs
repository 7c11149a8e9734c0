using System.Text.Json;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>
/// The real docker CLI. There is no Docker engine on these machines, but `docker manifest inspect` talks to the
/// registry directly from the client, so it works without one.
/// </summary>
public sealed class DockerCliTests(ITestOutputHelper output)
{
    [Fact]
    public async Task DockerManifestInspect_PushedImage_ShowsTheManifestItsDigestAndPlatform()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("docker");
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", [10_000, 20_000, 30_000], output, cancellationToken);
        await using var registry = await RegistryProcess.StartRegistryAsync(temp.CreateSubdirectory("data"), output, cancellationToken);
        var reference = $"{registry.Authority}/docker/inspected:v1";
        await Skopeo.CopyAsync(image.Reference, $"docker://{reference}", output, cancellationToken, "--dest-tls-verify=false");
        var blobs = image.Layout.Closure(image.Manifest);

        var plain = await DockerAsync(temp, ["manifest", "inspect", "--insecure", reference], cancellationToken);
        using (var manifest = JsonDocument.Parse(plain.StandardOutput))
        {
            Assert.Equal(2, manifest.RootElement.GetProperty("schemaVersion").GetInt32());
            Assert.Equal(blobs[1].Digest, manifest.RootElement.GetProperty("config").GetProperty("digest").GetString());
            Assert.Equal(
                blobs.Skip(2).Select(d => d.Digest),
                manifest.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("digest").GetString()));
        }

        var verbose = await DockerAsync(temp, ["manifest", "inspect", "--insecure", "--verbose", reference], cancellationToken);
        using var document = JsonDocument.Parse(verbose.StandardOutput);
        var descriptor = document.RootElement.GetProperty("Descriptor");
        Assert.Equal(image.Manifest.Digest, descriptor.GetProperty("digest").GetString());
        Assert.Equal(image.Manifest.Size, descriptor.GetProperty("size").GetInt64());
        Assert.Equal(OciLayout.ManifestMediaType, descriptor.GetProperty("mediaType").GetString());
        Assert.Equal("amd64", descriptor.GetProperty("platform").GetProperty("architecture").GetString());
        Assert.Equal(image.Layout.ReadBlob(image.Manifest.Digest), document.RootElement.GetProperty("Raw").GetBytesFromBase64());
    }

    [Fact]
    public async Task DockerManifestInspect_ImageIndex_ListsBothPlatforms()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("docker-index");
        var layoutPath = temp.Combine("source");
        var amd64 = await OciImageBuilder.BuildAsync(layoutPath, "amd64", "amd64", [10_000], output, cancellationToken);
        var arm64 = await OciImageBuilder.BuildAsync(layoutPath, "arm64", "arm64", [10_000], output, cancellationToken);
        var layout = new OciLayout(layoutPath);
        layout.AddImageIndex("multi", [amd64.Manifest, arm64.Manifest]);
        await using var registry = await RegistryProcess.StartRegistryAsync(temp.CreateSubdirectory("data"), output, cancellationToken);
        var reference = $"{registry.Authority}/docker/multi:latest";
        await Skopeo.CopyAsync(layout.Reference("multi"), $"docker://{reference}", output, cancellationToken, "--all", "--dest-tls-verify=false");

        var result = await DockerAsync(temp, ["manifest", "inspect", "--insecure", reference], cancellationToken);
        using var document = JsonDocument.Parse(result.StandardOutput);
        Assert.Equal(OciLayout.IndexMediaType, document.RootElement.GetProperty("mediaType").GetString());
        var listed = document.RootElement.GetProperty("manifests").EnumerateArray()
            .Select(m => (m.GetProperty("digest").GetString(), m.GetProperty("platform").GetProperty("architecture").GetString()));
        Assert.Equal([(amd64.Manifest.Digest, "amd64"), (arm64.Manifest.Digest, "arm64")], listed);
    }

    [Fact]
    public async Task DockerManifestInspect_UnknownTag_FailsWithNoSuchManifest()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("docker-missing");
        await using var registry = await RegistryProcess.StartRegistryAsync(temp.CreateSubdirectory("data"), output, cancellationToken);
        var reference = $"{registry.Authority}/docker/missing:nope";

        var result = await ExternalCommand.RunAsync(
            "docker", ["manifest", "inspect", "--insecure", reference], Options(temp), cancellationToken);

        Assert.NotEqual(0, result.ExitCode);
        Assert.Contains("no such manifest", result.StandardError, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<CommandResult> DockerAsync(TempDirectory temp, string[] arguments, CancellationToken cancellationToken) =>
        (await ExternalCommand.RunAsync("docker", arguments, Options(temp), cancellationToken)).EnsureSuccess();

    private CommandOptions Options(TempDirectory temp) => new()
    {
        Output = output,
        Timeout = TimeSpan.FromMinutes(2),
        // A private, empty client configuration: no credentials, no context, no engine.
        Environment = new Dictionary<string, string?>
        {
            ["DOCKER_CONFIG"] = Directory.CreateDirectory(temp.Combine("docker-config")).FullName,
            ["DOCKER_HOST"] = null,
            ["DOCKER_CONTEXT"] = null,
        },
    };
}
