using System.Net;
using System.Security.Cryptography;

namespace Speedy.IntegrationTests.Cluster;

/// <summary>Checks of the store that several cluster tests make.</summary>
public static class ClusterAssert
{
    private const int WriteAttempts = 100;

    /// <summary>
    /// Stores fragments through the image servers until one lands in <paramref name="group"/> (they cache the topology
    /// for up to two seconds, hence the pauses), and reads it back from <paramref name="member"/>: the group takes
    /// writes, on that member too.
    /// </summary>
    public static async Task GroupTakesWritesAsync(
        SpeedyCluster cluster, uint group, ClusterNode member, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < WriteAttempts; attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
            }

            var fragment = RandomNumberGenerator.GetBytes(16 * 1024);
            var fileId = await StoreApi.PutFragmentAsync(cluster.ImageServers[attempt % cluster.ImageServers.Count], fragment, cancellationToken);
            if (StoreApi.GroupOf(fileId) == group)
            {
                var (status, body) = await StoreApi.GetNeedleAsync(member, fileId, cancellationToken);
                Assert.Equal(HttpStatusCode.OK, status);
                Assert.True(fragment.AsSpan().SequenceEqual(body), $"needle {fileId} on {member} differs from what was written");
                output.WriteLine($"fragment {fileId} stored in group {group} after {attempt + 1} attempt(s)");
                return;
            }
        }

        Assert.Fail($"{WriteAttempts} fragments were stored, none in group {group}.");
    }
}
