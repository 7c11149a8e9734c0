using Speedy.Storage.Tests;

namespace Speedy.Storage.Cluster.Tests;

/// <summary>The storage-driver contract, held by the <c>speedy</c> driver over a real cluster, with small fragments so files span many.</summary>
public sealed class ClusterStorageDriverTests(TestCluster cluster) : StorageDriverConformanceTests, IClassFixture<TestCluster>
{
    protected override IStorageDriver CreateDriver() => new ClusterStorageDriver(cluster.DriverOptions());
}
