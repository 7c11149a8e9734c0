namespace Speedy.IntegrationTests.Cluster;

/// <summary>Nodes SIGKILLed while skopeo pushes and pulls through both registries.</summary>
[Collection(ClusterTestGroup.Name)]
public sealed class ClusterFailureTests(SpeedyCluster cluster, ITestOutputHelper output)
{
    private const int ConcurrentPushes = 20;

    [Fact(Timeout = 600_000)]
    public async Task ChunkServerKilledDuringTwentyConcurrentPushes_EveryPushSucceeds_PullsAreByteIdentical_AndItsGroupIsReadOnlyUntilItRestarts()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var scratch = cluster.Scratch("kill-chunkserver");
        // Distinct layers of 2–3 MiB, three fragments each: the fragments of the pushes land in both groups.
        var images = await ClusterImages.BuildAsync(
            scratch, ConcurrentPushes, i => [(2 * SpeedyCluster.FragmentBytes) + 100_000 + (i * 37_000)], output, cancellationToken);
        await cluster.EnsureHealthyAsync(cancellationToken);
        using var logs = cluster.CaptureOutput(output);
        var victim = cluster.GroupMembers(1)[1];
        var group = victim.Group;
        var baseline = await StoreApi.NeedleCountAsync(victim, cancellationToken);

        var load = new ClusterLoad();
        for (var i = 0; i < ConcurrentPushes; i++)
        {
            var image = images[i];
            var registry = cluster.Registries[i % 2];
            var repository = $"cluster/kill-chunkserver/{i}";
            load.Start($"push of image {i} through {registry}", () => ClusterImages.PushAsync(image, registry, repository, output, cancellationToken));
        }

        // SIGKILL once the victim has stored some fragments of these pushes (of about 30 its group gets), so that it
        // dies with more on their way to it.
        var struck = await load.WaitUntilAsync(
            async () => await StoreApi.NeedleCountAsync(victim, cancellationToken) >= baseline + 8, cancellationToken);
        var finishedAtKill = load.Finished;
        await victim.KillAsync();
        output.WriteLine($"SIGKILLed {victim} (needles stored before the pushes: {baseline}); {finishedAtKill} of {ConcurrentPushes} pushes had finished.");

        var (_, failures) = await load.CompleteAsync();
        Assert.True(failures.Count == 0, $"{failures.Count} of {ConcurrentPushes} pushes failed:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
        Assert.True(struck && finishedAtKill < ConcurrentPushes, "Every push had finished before the chunk server was killed: the kill was not during the pushes.");

        var readOnly = await cluster.WaitForTopologyAsync(
            $"group {group} read-only with {victim.Url} unhealthy",
            t => t.Group(group) is { Writable: false } g && g.Member(victim.Url) is { Healthy: false },
            cancellationToken);
        foreach (var topology in readOnly)
        {
            output.WriteLine($"{topology.Master}: group {group} read-only, reason: {topology.Group(group)?.Reason}");
        }

        // The pushed fragments are in both groups (the victim's group is read off a surviving member's volumes).
        var inGroup = new Dictionary<uint, int>();
        for (uint g = 1; g <= SpeedyCluster.Groups; g++)
        {
            var member = cluster.GroupMembers(g).First(c => c.IsRunning);
            inGroup[g] = images.Count(image => ClusterImages.StoredFragments(member, image).Count > 0);
            output.WriteLine($"group {g}: {inGroup[g]} of {ConcurrentPushes} layers have fragments there.");
        }

        Assert.True(inGroup[group] > 0, $"No pushed layer has a fragment in group {group}, so the kill proved nothing about its blobs.");

        // Every image pulls back byte-identical while the victim is down: the group's blobs stay readable.
        await Parallel.ForAsync(
            0,
            ConcurrentPushes,
            new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = cancellationToken },
            async (i, token) => await ClusterImages.PullAndCompareAsync(
                images[i], cluster.Registries[(i + 1) % 2], $"cluster/kill-chunkserver/{i}", Path.Combine(scratch, $"pulled-{i}"), output, token));
        Assert.False(victim.IsRunning);

        // The same server again (directory, group, port): the group takes writes again, on all three members.
        await victim.StartAsync(cancellationToken);
        await cluster.WaitForTopologyAsync(
            $"group {group} writable again with {victim.Url} healthy",
            t => t.Group(group) is { Writable: true } g && g.Member(victim.Url) is { Healthy: true } && g.Members.All(m => m.Healthy),
            cancellationToken);
        await ClusterAssert.GroupTakesWritesAsync(cluster, group, victim, output, cancellationToken);
    }

    [Fact(Timeout = 600_000)]
    public async Task ImageServerAndMasterKilledMidLoad_NoPushOrPullFails_AndEveryPullIsByteIdentical()
    {
        const int Preloaded = 6;
        const int Pushed = 6;
        const int SkopeoRetries = 3;
        var cancellationToken = TestContext.Current.CancellationToken;
        var scratch = cluster.Scratch("kill-imageserver-master");
        var images = await ClusterImages.BuildAsync(
            scratch, Preloaded + Pushed, i => [(2 * SpeedyCluster.FragmentBytes) + 200_000 + (i * 41_000)], output, cancellationToken);
        await cluster.EnsureHealthyAsync(cancellationToken);
        using var logs = cluster.CaptureOutput(output);
        static string Repository(int i) => $"cluster/kill-imageserver-master/{i}";

        await Task.WhenAll(Enumerable.Range(0, Preloaded).Select(
            i => ClusterImages.PushAsync(images[i], cluster.Registries[i % 2], Repository(i), output, cancellationToken)));

        // The load: the preloaded images pulled, the others pushed, all at once through both registries.
        var baseline = await StoreApi.NeedleCountAsync(cluster.ChunkServers, cancellationToken);
        var load = new ClusterLoad();
        for (var i = 0; i < Preloaded + Pushed; i++)
        {
            var image = images[i];
            var repository = Repository(i);
            if (i < Preloaded)
            {
                var registry = cluster.Registries[(i + 1) % 2];
                var into = Path.Combine(scratch, $"pulled-during-{i}");
                load.Start($"pull of image {i} through {registry}", () => ClusterImages.PullAndCompareAsync(image, registry, repository, into, output, cancellationToken, SkopeoRetries));
            }
            else
            {
                var registry = cluster.Registries[i % 2];
                load.Start($"push of image {i} through {registry}", () => ClusterImages.PushAsync(image, registry, repository, output, cancellationToken, SkopeoRetries));
            }
        }

        var imageServer = cluster.ImageServers[0];
        var master = cluster.Masters[0];
        // Strike once four fragments of the pushes (three needles each, of about 18) are stored.
        var struck = await load.WaitUntilAsync(
            async () => await StoreApi.NeedleCountAsync(cluster.ChunkServers, cancellationToken) >= baseline + 12, cancellationToken);
        var finishedAtKill = load.Finished;
        await Task.WhenAll(imageServer.KillAsync(), master.KillAsync());
        output.WriteLine($"SIGKILLed {imageServer} and {master}; {finishedAtKill} of {load.Count} operations had finished.");

        var (succeeded, failures) = await load.CompleteAsync();
        output.WriteLine($"skopeo retried {succeeded.Sum(c => c.Retries)} time(s) in all: " +
            string.Join(", ", succeeded.Where(c => c.Retries > 0).Select(c => $"{c.Source} -> {c.Destination}: {c.Retries}")));
        Assert.True(failures.Count == 0, $"{failures.Count} of {load.Count} operations failed:{Environment.NewLine}{string.Join(Environment.NewLine, failures)}");
        Assert.True(struck && finishedAtKill < load.Count, "Every operation had finished before the kills: they were not mid-load.");

        // With both still down, every image pushed under the load pulls back byte-identical, without client retries.
        for (var i = Preloaded; i < Preloaded + Pushed; i++)
        {
            await ClusterImages.PullAndCompareAsync(
                images[i], cluster.Registries[(i + 1) % 2], Repository(i), Path.Combine(scratch, $"pulled-after-{i}"), output, cancellationToken);
        }

        Assert.False(imageServer.IsRunning || master.IsRunning);
        await cluster.EnsureHealthyAsync(cancellationToken);
    }
}
