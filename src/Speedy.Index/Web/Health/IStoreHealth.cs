namespace Speedy.Index.Web.Health;

/// <summary>
/// The state of the storage behind the registry, for the admin health page: volume groups, their chunk servers and
/// the capacity. Optional: a registry on a local driver has no cluster, and the page then says so.
/// </summary>
public interface IStoreHealth
{
    /// <summary>The current state; throws when it cannot be had (the page shows the message).</summary>
    Task<StoreHealthReport> GetAsync(CancellationToken cancellationToken);
}
