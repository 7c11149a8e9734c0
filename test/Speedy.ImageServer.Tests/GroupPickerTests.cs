using Speedy.Volume;

namespace Speedy.ImageServer.Tests;

/// <summary>The choice of a group for a new fragment: weighted by free space, only among groups fit to take it.</summary>
public sealed class GroupPickerTests
{
    [Fact]
    public void Pick_PrefersTheGroupWithMoreFreeSpace_InProportion()
    {
        var topology = new StoreTopology([Group(1, free: 300L << 30), Group(2, free: 100L << 30)]);
        var random = new Random(12345);
        var first = 0;

        for (var i = 0; i < 10_000; i++)
        {
            first += GroupPicker.Pick(topology, 1000, 64, [], random)?.Id.Value == 1 ? 1 : 0;
        }

        Assert.InRange(first, 7_000, 8_000);
    }

    [Fact]
    public void Pick_SkipsGroupsThatAreNotWritable_Unhealthy_Syncing_Overloaded_TooFull_OrExcluded()
    {
        var fit = Group(6, free: 1L << 30);
        var syncing = Group(7, free: 1L << 40);
        var topology = new StoreTopology(
        [
            Group(1, free: 1L << 40) with { Writable = false },
            Group(2, free: 1L << 40, healthy: false),
            Group(3, free: 1L << 40, load: 64),
            Group(4, free: 999),
            Group(5, free: 1L << 40),
            fit,
            syncing with { Members = [syncing.Members[0], syncing.Members[1] with { Syncing = true }] },
        ]);
        var excluded = topology.Groups[4];

        for (var i = 0; i < 100; i++)
        {
            Assert.Equal(fit, GroupPicker.Pick(topology, 1000, 64, [excluded], Random.Shared));
        }

        Assert.Null(GroupPicker.Pick(topology, 1000, 64, [excluded, fit], Random.Shared));
    }

    private static TopologyGroup Group(uint id, long free, bool healthy = true, int load = 0) => new(
        new GroupId(id),
        [new TopologyMember($"http://g{id}a", true, free, 0), new TopologyMember($"http://g{id}b", healthy, free, load)],
        Writable: true,
        WritableVolumes: [new VolumeId(1)],
        HighestVolume: new VolumeId(1));
}
