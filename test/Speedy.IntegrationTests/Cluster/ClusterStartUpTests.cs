using System.Net;
using System.Security.Cryptography;

namespace Speedy.IntegrationTests.Cluster;

/// <summary>The store of <see cref="SpeedyCluster"/> on its own (no registry): every role up, and fragments flow through it.</summary>
[Collection(ClusterTestGroup.Name)]
public sealed class ClusterStartUpTests(SpeedyCluster cluster, ITestOutputHelper output)
{
    [Fact(Timeout = 180_000)]
    public async Task Store_StartedAsSeparateProcesses_BothMastersSeeBothGroupsWritable_AndFragmentsReachBothGroupsThroughEitherImageServer()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        await cluster.WaitUntilStoreIsHealthyAsync(cancellationToken);
        using var logs = cluster.CaptureOutput(output);

        var topologies = await cluster.WaitForTopologyAsync("both groups", t => t.Groups.Count == SpeedyCluster.Groups, cancellationToken);
        Assert.Equal(2, topologies.Count);
        foreach (var topology in topologies)
        {
            output.WriteLine(topology.Summary());
            Assert.False(topology.WarmingUp);
            foreach (var group in topology.Groups)
            {
                Assert.True(group.Writable, $"group {group.Id} on {topology.Master}: {group.Reason}");
                Assert.Equal(
                    cluster.GroupMembers(group.Id).Select(c => c.Url).Order(StringComparer.Ordinal),
                    group.Members.Select(m => m.Url).Order(StringComparer.Ordinal));
            }
        }

        using (var client = new HttpClient())
        {
            using var health = await client.GetAsync(new Uri(cluster.MetaServer.BaseAddress, "health"), cancellationToken);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        // Fragments through either image server, read back through the other, until both groups hold some; each is
        // on every member of its group.
        var groupsSeen = new HashSet<uint>();
        for (var attempt = 0; attempt < 40 && groupsSeen.Count < SpeedyCluster.Groups; attempt++)
        {
            var writer = cluster.ImageServers[attempt % 2];
            var reader = cluster.ImageServers[(attempt + 1) % 2];
            var fragment = RandomNumberGenerator.GetBytes(64 * 1024);
            var fileId = await StoreApi.PutFragmentAsync(writer, fragment, cancellationToken);
            var group = StoreApi.GroupOf(fileId);
            groupsSeen.Add(group);

            var (status, body) = await StoreApi.GetFragmentAsync(reader, fileId, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.True(fragment.AsSpan().SequenceEqual(body), $"fragment {fileId} read back through {reader} differs");
            foreach (var member in cluster.GroupMembers(group))
            {
                var (memberStatus, memberBody) = await StoreApi.GetNeedleAsync(member, fileId, cancellationToken);
                Assert.Equal(HttpStatusCode.OK, memberStatus);
                Assert.True(fragment.AsSpan().SequenceEqual(memberBody), $"needle {fileId} on {member} differs");
            }
        }

        Assert.Equal(SpeedyCluster.Groups, groupsSeen.Count);
    }
}
