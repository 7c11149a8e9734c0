using System.Net;
using System.Security.Cryptography;
using Speedy.IntegrationTests.Harness;

namespace Speedy.IntegrationTests.Cluster;

/// <summary>Two stateless registry replicas over one cluster: whatever goes in through one comes out of the other.</summary>
[Collection(ClusterTestGroup.Name)]
public sealed class ClusterReplicaTests(SpeedyCluster cluster, ITestOutputHelper output)
{
    [Fact(Timeout = 300_000)]
    public async Task SkopeoPushThroughRegistryA_PullsThroughRegistryBByteIdentical()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var scratch = cluster.Scratch("replica-skopeo");
        var image = (await ClusterImages.BuildAsync(
            scratch, 1, _ => [50_000, (3 * SpeedyCluster.FragmentBytes) + 12_345, 700_000], output, cancellationToken))[0];
        await cluster.EnsureHealthyAsync(cancellationToken);
        using var logs = cluster.CaptureOutput(output);
        const string Repository = "cluster/replicas";

        await ClusterImages.PushAsync(image, cluster.RegistryA, Repository, output, cancellationToken);
        await ClusterImages.PullAndCompareAsync(image, cluster.RegistryB, Repository, Path.Combine(scratch, "pulled"), output, cancellationToken);

        Assert.Equal(5, image.Layout.Closure(image.Manifest).Count);
    }

    [Fact(Timeout = 180_000)]
    public async Task UploadSessionStartedOnRegistryA_FinishedOnRegistryB_ReadsBackFromAByteIdentical()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await cluster.EnsureHealthyAsync(cancellationToken);
        using var logs = cluster.CaptureOutput(output);
        using var clientA = RegistryHttpClient.Create(cluster.RegistryA.BaseAddress);
        using var clientB = RegistryHttpClient.Create(cluster.RegistryB.BaseAddress);
        const string Repository = "cluster/upload-session";

        // Neither chunk lines up with a fragment boundary, so B continues in the middle of a fragment A began.
        var blob = RandomNumberGenerator.GetBytes((3 * SpeedyCluster.FragmentBytes) + 54_321);
        var firstChunk = SpeedyCluster.FragmentBytes + 4097;
        var digest = OciLayout.Sha256Digest(blob);

        using var started = await clientA.PostAsync($"v2/{Repository}/blobs/uploads/", content: null, cancellationToken);
        await RegistryApi.ExpectStatusAsync(started, HttpStatusCode.Accepted, cancellationToken);
        using var patchA = RegistryApi.Request(HttpMethod.Patch, RegistryApi.UploadPath(started));
        patchA.Content = RegistryApi.Chunk(blob, 0, firstChunk);
        using var patchedA = await clientA.SendAsync(patchA, cancellationToken);
        await RegistryApi.ExpectStatusAsync(patchedA, HttpStatusCode.Accepted, cancellationToken);
        Assert.Equal($"0-{firstChunk - 1}", RegistryApi.Header(patchedA, "Range"));

        using var patchB = RegistryApi.Request(HttpMethod.Patch, RegistryApi.UploadPath(patchedA));
        patchB.Content = RegistryApi.Chunk(blob, firstChunk, blob.Length - firstChunk);
        using var patchedB = await clientB.SendAsync(patchB, cancellationToken);
        await RegistryApi.ExpectStatusAsync(patchedB, HttpStatusCode.Accepted, cancellationToken);
        Assert.Equal($"0-{blob.Length - 1}", RegistryApi.Header(patchedB, "Range"));

        using var put = RegistryApi.Request(HttpMethod.Put, RegistryApi.WithDigest(RegistryApi.UploadPath(patchedB), digest));
        using var finished = await clientB.SendAsync(put, cancellationToken);
        await RegistryApi.ExpectStatusAsync(finished, HttpStatusCode.Created, cancellationToken);
        Assert.Equal(digest, RegistryApi.Header(finished, "Docker-Content-Digest"));

        var fromA = await RegistryApi.GetBlobAsync(clientA, Repository, digest, cancellationToken);
        Assert.True(blob.AsSpan().SequenceEqual(fromA), "The blob read back from registry A differs from what was uploaded across A and B.");
        var fromB = await RegistryApi.GetBlobAsync(clientB, Repository, digest, cancellationToken);
        Assert.True(blob.AsSpan().SequenceEqual(fromB), "The blob read back from registry B differs from what was uploaded across A and B.");
    }
}
