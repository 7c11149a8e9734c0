using Speedy.Index.Web.Health;
using Speedy.Master;

namespace Speedy.Cli;

/// <summary>
/// The admin health page's view of the store (<see cref="IStoreHealth"/>), read from the masters' topology through a
/// <see cref="MasterClient"/>: it asks them in turn (the one that answered last first), keeps the topology for
/// <see cref="MasterClientOptions.RefreshInterval"/> (2 s by default) so the page does not ask a master on every load,
/// and while no master answers shows the last topology it had, marked stale. It lives here, in the host, so that the
/// index does not depend on the master.
/// </summary>
internal sealed class MasterStoreHealth : IStoreHealth, IDisposable
{
    private readonly HttpClient _http;
    private readonly MasterClient _client;

    /// <param name="masters">The masters' base URLs.</param>
    /// <param name="options">How the masters are asked and how long an answer is kept.</param>
    /// <param name="time">The clock of the cache; the system's by default.</param>
    public MasterStoreHealth(IEnumerable<Uri> masters, MasterClientOptions? options = null, TimeProvider? time = null)
    {
        // Each attempt has its own timeout (MasterClientOptions.AttemptTimeout); this one only bounds the worst case.
        _http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        try
        {
            _client = new MasterClient(_http, masters, options, time);
        }
        catch
        {
            _http.Dispose();
            throw;
        }
    }

    public IReadOnlyList<Uri> Masters => _client.Masters;

    /// <exception cref="HttpRequestException">No master answered, and none ever had.</exception>
    public async Task<StoreHealthReport> GetAsync(CancellationToken cancellationToken)
    {
        TopologySnapshot snapshot;
        try
        {
            snapshot = await _client.GetTopologyAsync(cancellationToken);
        }
        catch (MasterUnavailableException ex)
        {
            // The page shows the message of the exceptions it knows; the index does not know the master's.
            throw new HttpRequestException(ex.Message, ex);
        }

        return ToReport(snapshot);
    }

    public void Dispose()
    {
        _client.Dispose();
        _http.Dispose();
    }

    /// <summary>
    /// The report of one topology: every group with its members in the master's order. A member's last report is
    /// counted from now, so a topology kept in the cache (or, stale, while the masters are away) ages with it.
    /// </summary>
    internal static StoreHealthReport ToReport(TopologySnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var groups = new List<StoreGroupHealth>(snapshot.Topology.Groups.Count);
        foreach (var group in snapshot.Topology.Groups)
        {
            var servers = new List<ChunkServerHealth>(group.Members.Count);
            foreach (var member in group.Members)
            {
                var used = 0L;
                foreach (var volume in member.Volumes)
                {
                    used += volume.Size;
                }

                servers.Add(new ChunkServerHealth(
                    member.Url,
                    member.Healthy,
                    member.Syncing,
                    TimeSpan.FromSeconds(member.LastSeenSecondsAgo) + snapshot.Age,
                    member.FreeBytes,
                    used,
                    member.Volumes.Count));
            }

            groups.Add(new StoreGroupHealth(group.Id, group.Writable, group.Writable ? null : group.Reason ?? "read-only", servers));
        }

        return new StoreHealthReport(snapshot.Master.ToString(), snapshot.FetchedAt, snapshot.Stale, groups);
    }
}
