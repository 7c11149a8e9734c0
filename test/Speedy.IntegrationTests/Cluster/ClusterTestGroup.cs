namespace Speedy.IntegrationTests.Cluster;

/// <summary>
/// The test classes that share one <see cref="SpeedyCluster"/>. They run one at a time and after every other
/// collection (the cluster's heartbeats and timeouts are real, and this machine has two cores).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterTestGroup : ICollectionFixture<SpeedyCluster>
{
    public const string Name = "speedy cluster";
}
