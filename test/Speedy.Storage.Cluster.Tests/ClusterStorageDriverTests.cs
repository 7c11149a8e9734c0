using Speedy.Storage.Tests;

namespace Speedy.Storage.Cluster.Tests;

/// <summary>The storage-driver contract, held by the <c>speedy</c> driver over a real cluster, with small fragments so files span many.</summary>
public sealed class ClusterStorageDriverTests(TestCluster cluster) : StorageDriverConformanceTests, IClassFixture<TestCluster>
{
    protected override IStorageDriver CreateDriver() => new ClusterStorageDriver(cluster.DriverOptions());
}

/// <summary>
/// The same contract as <c>speedy server</c> wires the driver: the meta store and the fragments of the cluster in the
/// same process, without HTTP.
/// </summary>
public sealed class InProcessClusterStorageDriverTests(TestCluster cluster) : StorageDriverConformanceTests, IClassFixture<TestCluster>
{
    protected override IStorageDriver CreateDriver() => new ClusterStorageDriver(cluster.DriverOptions(), cluster.LocalFragments, cluster.MetaStore);
}
