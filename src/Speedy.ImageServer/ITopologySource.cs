namespace Speedy.ImageServer;

/// <summary>
/// The image server's view of the store, as the master keeps it: which groups exist, their members and health,
/// where new fragments may go, and leases of needle ids. The seam between the image server and the master.
/// </summary>
public interface ITopologySource
{
    /// <summary>The latest topology (cached by the implementation; cheap to call per request).</summary>
    ValueTask<StoreTopology> GetTopologyAsync(CancellationToken cancellationToken);

    /// <summary>Leases <paramref name="count"/> needle ids, unique across the store, for this image server's writes.</summary>
    Task<NeedleIdLease> AcquireNeedleIdsAsync(int count, CancellationToken cancellationToken);
}
