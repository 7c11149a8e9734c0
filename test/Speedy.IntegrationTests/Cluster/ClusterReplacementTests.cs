using System.Net;

namespace Speedy.IntegrationTests.Cluster;

/// <summary>A chunk server whose disk is lost, replaced by an empty one (<c>speedy chunkserver --replace URL</c>).</summary>
[Collection(ClusterTestGroup.Name)]
public sealed class ClusterReplacementTests(SpeedyCluster cluster, ITestOutputHelper output)
{
    private const int ImagesBefore = 4;

    [Fact(Timeout = 400_000)]
    public async Task ChunkServerReplacedByAnEmptyOne_PullsStayByteIdentical_AndItsGroupIsWritableAgainWithTheReplacement()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var scratch = cluster.Scratch("replacement");
        var images = await ClusterImages.BuildAsync(
            scratch, ImagesBefore + 1, i => [(2 * SpeedyCluster.FragmentBytes) + 300_000 + (i * 43_000)], output, cancellationToken);
        await cluster.EnsureHealthyAsync(cancellationToken);
        using var logs = cluster.CaptureOutput(output);
        static string Repository(int i) => $"cluster/replacement/{i}";
        await Task.WhenAll(Enumerable.Range(0, ImagesBefore).Select(
            i => ClusterImages.PushAsync(images[i], cluster.Registries[i % 2], Repository(i), output, cancellationToken)));

        // Its disk is lost: the server is SIGKILLed and never comes back; its group turns read-only.
        var replaced = cluster.GroupMembers(1)[2];
        var group = replaced.Group;
        await replaced.KillAsync();
        await cluster.WaitForTopologyAsync(
            $"group {group} read-only with {replaced.Url} unhealthy",
            t => t.Group(group) is { Writable: false } g && g.Member(replaced.Url) is { Healthy: false },
            cancellationToken);

        // What the group holds of the pushed images, read off a surviving member's volumes.
        var survivor = cluster.GroupMembers(group).First(c => c != replaced);
        var held = images.Take(ImagesBefore).SelectMany(image => ClusterImages.StoredFragments(survivor, image)).ToList();
        output.WriteLine($"group {group} holds {held.Count} fragment(s) of the {ImagesBefore} images pushed before the loss.");
        Assert.True(held.Count > 0, $"No fragment of the pushed images is in group {group}, so its replacement would copy nothing of them.");

        // An empty server replaces it: it copies and verifies the group's volumes, then the masters forget the old one.
        var replacement = await cluster.StartReplacementAsync(replaced, cancellationToken);
        var ready = await StoreApi.WaitForHealthAsync(replacement, "state ready (its copy verified)", h => h.State == "ready", cancellationToken);
        output.WriteLine($"{replacement} health: {ready.Json}");
        var topologies = await cluster.WaitForTopologyAsync(
            $"group {group} writable with {replacement.Url} in place of {replaced.Url}",
            t => t.Group(group) is { Writable: true } g
                && g.Member(replaced.Url) is null
                && g.Member(replacement.Url) is { Healthy: true }
                && g.Members.Count == SpeedyCluster.MembersPerGroup
                && g.Members.All(m => m.Healthy),
            cancellationToken);
        foreach (var topology in topologies)
        {
            output.WriteLine(topology.Summary());
        }

        // The replacement serves every fragment the group held, intact.
        foreach (var (fragment, needle) in held)
        {
            var (status, body) = await StoreApi.GetNeedleAsync(replacement, needle.FileId, cancellationToken);
            Assert.True(status == HttpStatusCode.OK, $"{replacement} answered {(int)status} for needle {needle.FileId}");
            Assert.True(fragment.AsSpan().SequenceEqual(body), $"needle {needle.FileId} on {replacement} differs from the fragment");
        }

        // Clients see no difference, and the group takes writes again, stored on the replacement too.
        await Task.WhenAll(Enumerable.Range(0, ImagesBefore).Select(i => ClusterImages.PullAndCompareAsync(
            images[i], cluster.Registries[(i + 1) % 2], Repository(i), Path.Combine(scratch, $"pulled-{i}"), output, cancellationToken)));

        await ClusterAssert.GroupTakesWritesAsync(cluster, group, replacement, output, cancellationToken);
        await ClusterImages.PushAsync(images[ImagesBefore], cluster.RegistryA, Repository(ImagesBefore), output, cancellationToken);
        await ClusterImages.PullAndCompareAsync(
            images[ImagesBefore], cluster.RegistryB, Repository(ImagesBefore), Path.Combine(scratch, $"pulled-{ImagesBefore}"), output, cancellationToken);
    }
}
