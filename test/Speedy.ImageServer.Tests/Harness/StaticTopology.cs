using Speedy.ImageServer;

namespace Speedy.ImageServer.Tests.Harness;

/// <summary>A topology the test sets (as the master would report it), and needle-id leases from a counter.</summary>
public sealed class StaticTopology(StoreTopology topology) : ITopologySource
{
    private long _nextNeedle = 1;
    private int _leases;

    public StoreTopology Current { get; set; } = topology;

    public int Leases => Volatile.Read(ref _leases);

    public ValueTask<StoreTopology> GetTopologyAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Current);

    public Task<NeedleIdLease> AcquireNeedleIdsAsync(int count, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _leases);
        var end = Interlocked.Add(ref _nextNeedle, count);
        return Task.FromResult(new NeedleIdLease((ulong)(end - count), (ulong)end));
    }
}
