using System.Net;
using System.Text;

namespace Speedy.IntegrationTests.Cluster;

/// <summary>A needle damaged on disk on one replica: clients never see it, and the store reports and repairs it.</summary>
[Collection(ClusterTestGroup.Name)]
public sealed class ClusterCorruptionTests(SpeedyCluster cluster, ITestOutputHelper output)
{
    private const string Repository = "cluster/corruption";
    private const int ImageServerProbes = 60;

    [Fact(Timeout = 300_000)]
    public async Task NeedleCorruptedOnOneReplica_PullsStayByteCorrect_AndTheCorruptionIsReportedAndRepaired()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var scratch = cluster.Scratch("corruption");
        var image = (await ClusterImages.BuildAsync(
            scratch, 1, _ => [(3 * SpeedyCluster.FragmentBytes) + 5_000], output, cancellationToken))[0];
        await cluster.EnsureHealthyAsync(cancellationToken);
        using var logs = cluster.CaptureOutput(output);
        await ClusterImages.PushAsync(image, cluster.RegistryA, Repository, output, cancellationToken);
        var layer = image.Layout.ReadBlob(ClusterImages.Layers(image)[0].Digest);

        // 1. The layer's first fragment damaged on one replica: both registries still serve the image intact. Each
        // read picks a replica at random, so the pulls may or may not have tried the damaged one (and set off its
        // repair); a direct read of it certainly does. Either way the server counts it and repairs it from a peer.
        var first = await DamageOneReplicaAsync(Fragment(layer, 0), cancellationToken);
        await ClusterImages.PullAndCompareAsync(image, cluster.RegistryB, Repository, Path.Combine(scratch, "pulled-b"), output, cancellationToken);
        await ClusterImages.PullAndCompareAsync(image, cluster.RegistryA, Repository, Path.Combine(scratch, "pulled-a"), output, cancellationToken);
        var (afterPulls, _) = await StoreApi.GetNeedleAsync(first.Victim, first.FileId, cancellationToken);
        output.WriteLine($"after the pulls the damaged replica answered {(int)afterPulls} for {first.FileId} (200: a pull's read had it repaired already)");
        await AssertReportedAndRepairedAsync(first, cancellationToken);

        // 2. The second fragment damaged on one replica, read through an image server without a cache (the cluster's
        // cache what the pulls read) until its random replica order starts with the damaged one: it reports the failed
        // read, fails over, and serves the right bytes every time (after 60 reads, the odds of never trying the
        // damaged replica first are (2/3)^60). That failed read is what sets off the repair.
        var second = await DamageOneReplicaAsync(Fragment(layer, 1), cancellationToken);
        await using var probe = cluster.NewImageServer("imageserver (no cache)", new Dictionary<string, string> { ["SPEEDY_CACHEBYTES"] = "0" });
        await probe.StartAsync(cancellationToken);
        var report = $"read of {second.FileId} from {second.Victim.Url} failed";
        var reads = 0;
        while (reads < ImageServerProbes && !probe.Output.Contains(report, StringComparison.Ordinal))
        {
            reads++;
            var (status, body) = await StoreApi.GetFragmentAsync(probe, second.FileId, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(second.Bytes.AsSpan().SequenceEqual(body), $"read {reads} of fragment {second.FileId} through {probe} differs");
        }

        // The console logger writes from a queue of its own: give the last line a moment to arrive.
        for (var wait = 0; wait < 50 && !probe.Output.Contains(report, StringComparison.Ordinal); wait++)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }

        Assert.True(probe.Output.Contains(report, StringComparison.Ordinal), $"After {reads} reads {probe} never reported \"{report}\":{Environment.NewLine}{probe.Output}");
        output.WriteLine($"{probe} reported the damaged replica after {reads} read(s).");
        await AssertReportedAndRepairedAsync(second, cancellationToken);
    }

    private static byte[] Fragment(byte[] blob, int index)
    {
        var offset = index * SpeedyCluster.FragmentBytes;
        Assert.True(offset + 4096 <= blob.Length, $"The blob has no fragment {index}.");
        return blob.AsSpan(offset, Math.Min(SpeedyCluster.FragmentBytes, blob.Length - offset)).ToArray();
    }

    /// <summary>
    /// Finds <paramref name="fragment"/> in the chunk servers' volume files by its bytes (one needle, one file id, on
    /// every member of one group), checks the first member serves it, and inverts a byte of its data on that member's
    /// disk. Should an upload retry have stored the fragment twice, the first full copy found is the one damaged.
    /// </summary>
    private async Task<ReplicaDamage> DamageOneReplicaAsync(byte[] fragment, CancellationToken cancellationToken)
    {
        var copies = cluster.ChunkServers
            .SelectMany(c => StoredNeedle.FindByDataPrefix(c.VolumeDirectory!, fragment.AsSpan(0, 4096)).Select(n => (Server: c, Needle: n))) // A chunk server has a directory.
            .ToList();
        foreach (var (server, copy) in copies)
        {
            output.WriteLine($"{server}: needle {copy.FileId} at {copy.DataFile}:{copy.RecordOffset}, {copy.DataLength} bytes");
        }

        var replicas = copies.GroupBy(c => c.Needle.FileId)
            .FirstOrDefault(g => g.Count() == SpeedyCluster.MembersPerGroup && g.Select(c => c.Server.Group).Distinct().Count() == 1);
        Assert.True(replicas is not null, $"The fragment is not on all {SpeedyCluster.MembersPerGroup} members of a group.");

        var (victim, needle) = replicas.First();
        Assert.Equal(fragment.Length, needle.DataLength);
        var (status, body) = await StoreApi.GetNeedleAsync(victim, needle.FileId, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(fragment.AsSpan().SequenceEqual(body), $"needle {needle.FileId} on {victim} is not the fragment");
        var before = await StoreApi.HealthAsync(victim, cancellationToken);

        needle.FlipDataByte(needle.DataLength / 2);
        output.WriteLine($"flipped byte {needle.DataLength / 2} of needle {needle.FileId} on {victim}; its health before: {before.Json}");
        return new ReplicaDamage(needle.FileId, fragment, victim, [.. replicas.Skip(1).Select(r => r.Server)], before);
    }

    /// <summary>
    /// The damaged replica counted the corrupt needle and repaired it from a peer (polled, since the repair runs in the
    /// background), and now serves it intact, as the other replicas always did.
    /// </summary>
    private async Task AssertReportedAndRepairedAsync(ReplicaDamage damage, CancellationToken cancellationToken)
    {
        // A read of the still damaged replica is what reports it; one more read costs nothing once it is repaired.
        var (status, body) = await StoreApi.GetNeedleAsync(damage.Victim, damage.FileId, cancellationToken);
        output.WriteLine($"GET needle {damage.FileId} from {damage.Victim}: {(int)status} {Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 200)))}");

        var health = await StoreApi.WaitForHealthAsync(
            damage.Victim,
            "the damaged needle counted corrupt and repaired",
            h => h.CorruptNeedles > damage.HealthBefore.CorruptNeedles && h.RepairedNeedles > damage.HealthBefore.RepairedNeedles,
            cancellationToken);
        output.WriteLine($"{damage.Victim} health after the repair: {health.Json}");
        Assert.Equal(damage.HealthBefore.FailedRepairs, health.FailedRepairs);

        var (repairedStatus, repaired) = await StoreApi.GetNeedleAsync(damage.Victim, damage.FileId, cancellationToken);
        Assert.Equal(HttpStatusCode.OK, repairedStatus);
        Assert.True(damage.Bytes.AsSpan().SequenceEqual(repaired), $"needle {damage.FileId} on {damage.Victim} differs after its repair");
        foreach (var replica in damage.Intact)
        {
            var (intactStatus, intact) = await StoreApi.GetNeedleAsync(replica, damage.FileId, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, intactStatus);
            Assert.True(damage.Bytes.AsSpan().SequenceEqual(intact), $"needle {damage.FileId} on {replica} differs");
        }
    }
}
