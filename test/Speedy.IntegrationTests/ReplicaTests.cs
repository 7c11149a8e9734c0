using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>
/// Two `speedy registry` replicas on the same --data directory, as behind a load balancer: whatever is pushed
/// through one is pulled through the other, and both can take pushes at the same time.
/// </summary>
public sealed class ReplicaTests(ITestOutputHelper output)
{
    private const string Repository = "replicas/app";

    [Fact]
    public async Task SkopeoPushThroughOneReplica_PullsThroughTheOtherByteIdentical()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("replicas-skopeo");
        var image = await OciImageBuilder.BuildAsync(
            temp.Combine("source"), "v1", "amd64", [50_000, 500_000, 3_000_000], output, cancellationToken);
        var data = temp.CreateSubdirectory("data");
        await using var a = await RegistryProcess.StartRegistryAsync(data, output, cancellationToken);
        await using var b = await RegistryProcess.StartRegistryAsync(data, output, cancellationToken);

        await Skopeo.CopyAsync(image.Reference, $"docker://{a.Authority}/{Repository}:v1", output, cancellationToken, "--dest-tls-verify=false");
        var pulled = new OciLayout(temp.Combine("pulled"));
        await Skopeo.CopyAsync($"docker://{b.Authority}/{Repository}:v1", pulled.Reference("v1"), output, cancellationToken, "--src-tls-verify=false");

        OciAssert.SameContent(image.Layout, image.Manifest, pulled, "v1");
    }

    [Fact]
    public async Task ConcurrentTagPushesThroughBothReplicas_AreAllListedAndCataloged()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("replicas-concurrent-tags");
        var data = temp.CreateSubdirectory("data");
        await using var a = await RegistryProcess.StartRegistryAsync(data, output, cancellationToken);
        await using var b = await RegistryProcess.StartRegistryAsync(data, output, cancellationToken);
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();
        const int TagsPerReplica = 12;
        const int Repositories = 4;

        // Each repository gets its blobs once; then both replicas tag manifests in all of them at the same time.
        var manifests = new List<(string Repository, byte[] Manifest)>();
        for (var r = 0; r < Repositories; r++)
        {
            var repository = $"replicas/concurrent-{r}";
            var layer = RandomNumberGenerator.GetBytes(1000);
            var config = """{"architecture":"amd64","os":"linux"}"""u8.ToArray();
            var layerDigest = await RegistryApi.PushBlobAsync(clientA, repository, layer, cancellationToken);
            var configDigest = await RegistryApi.PushBlobAsync(clientB, repository, config, cancellationToken);
            manifests.Add((repository, RegistryApi.ImageManifest(configDigest, config.Length, layerDigest, layer.Length)));
        }

        var pushes = new List<Task>();
        foreach (var (repository, manifest) in manifests)
        {
            for (var t = 0; t < TagsPerReplica; t++)
            {
                pushes.Add(RegistryApi.PutManifestAsync(clientA, repository, $"a-{t}", OciLayout.ManifestMediaType, manifest, cancellationToken));
                pushes.Add(RegistryApi.PutManifestAsync(clientB, repository, $"b-{t}", OciLayout.ManifestMediaType, manifest, cancellationToken));
            }
        }

        await Task.WhenAll(pushes);

        foreach (var (repository, _) in manifests)
        {
            var expected = Enumerable.Range(0, TagsPerReplica).SelectMany(t => new[] { $"a-{t}", $"b-{t}" }).Order(StringComparer.Ordinal);
            Assert.Equal(expected, (await RegistryApi.ListTagsAsync(clientA, repository, cancellationToken)).Order(StringComparer.Ordinal));
            Assert.Equal(expected, (await RegistryApi.ListTagsAsync(clientB, repository, cancellationToken)).Order(StringComparer.Ordinal));
        }

        using var catalog = await clientB.GetAsync("v2/_catalog", cancellationToken);
        await RegistryApi.ExpectStatusAsync(catalog, HttpStatusCode.OK, cancellationToken);
        using var document = JsonDocument.Parse(await catalog.Content.ReadAsByteArrayAsync(cancellationToken));
        var listed = document.RootElement.GetProperty("repositories").EnumerateArray().Select(r => r.GetString()).ToList();
        foreach (var (repository, _) in manifests)
        {
            Assert.Contains(repository, listed);
        }
    }

    [Fact]
    public async Task SimultaneousSkopeoPushesOfOneImageThroughBothReplicas_BothSucceedAndPullByteIdentical()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("replicas-simultaneous");
        var image = await OciImageBuilder.BuildAsync(
            temp.Combine("source"), "v1", "amd64", [100_000, 1_000_000, 4_000_000], output, cancellationToken);
        var data = temp.CreateSubdirectory("data");
        await using var a = await RegistryProcess.StartRegistryAsync(data, output, cancellationToken);
        await using var b = await RegistryProcess.StartRegistryAsync(data, output, cancellationToken);

        // The same blobs are uploaded and committed through two processes at once.
        await Task.WhenAll(
            Skopeo.CopyAsync(image.Reference, $"docker://{a.Authority}/{Repository}:v1", output, cancellationToken, "--dest-tls-verify=false"),
            Skopeo.CopyAsync(image.Reference, $"docker://{b.Authority}/{Repository}:v1", output, cancellationToken, "--dest-tls-verify=false"));

        foreach (var (replica, tag) in new[] { (a, "from-a"), (b, "from-b") })
        {
            var pulled = new OciLayout(temp.Combine($"pulled-{tag}"));
            await Skopeo.CopyAsync($"docker://{replica.Authority}/{Repository}:v1", pulled.Reference(tag), output, cancellationToken, "--src-tls-verify=false");
            OciAssert.SameContent(image.Layout, image.Manifest, pulled, tag);
        }
    }
}
