using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Speedy.Master;

/// <summary>
/// An image server's view of the masters. It asks them in turn, starting with the one that answered last, and
/// takes the first answer (preferring a master that is not warming up after a restart). The topology is cached
/// for <see cref="MasterClientOptions.RefreshInterval"/>; when no master answers, the last topology keeps being
/// served, marked stale and with its age, so the image server keeps working while the masters are briefly away.
/// Needle-id leases fall over to the next master the same way (ids from any master never collide).
/// </summary>
public sealed class MasterClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri[] _masters;
    private readonly MasterClientOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _refresh = new(1, 1);
    private TopologySnapshot? _cached;
    private long _nextRefreshTicks;
    private int _preferred;

    /// <param name="http">Used for every request; the caller owns it.</param>
    /// <param name="masters">The masters' base URLs (a path is kept: <c>https://lb/speedy/master</c>).</param>
    public MasterClient(HttpClient http, IEnumerable<Uri> masters, MasterClientOptions? options = null, TimeProvider? time = null, ILogger<MasterClient>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(masters);
        _http = http;
        _masters = [.. masters.Select(BaseUrl)];
        if (_masters.Length == 0)
        {
            throw new ArgumentException("a master client needs at least one master", nameof(masters));
        }

        _options = options ?? new MasterClientOptions();
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger<MasterClient>.Instance;
    }

    public IReadOnlyList<Uri> Masters => _masters;

    /// <summary>The last topology fetched, aged to now; null before the first answer.</summary>
    public TopologySnapshot? Cached
    {
        get
        {
            var cached = Volatile.Read(ref _cached);
            return cached is null ? null : cached with { Age = _time.GetUtcNow() - cached.FetchedAt };
        }
    }

    /// <summary>The cached topology while it is fresh; otherwise asks the masters, falling back to the cached one if none answers.</summary>
    /// <exception cref="MasterUnavailableException">No master answered and there is no topology yet.</exception>
    public async Task<TopologySnapshot> GetTopologyAsync(CancellationToken cancellationToken)
    {
        if (IsFresh() && Cached is { } fresh)
        {
            return fresh;
        }

        return await RefreshTopologyAsync(force: false, cancellationToken);
    }

    /// <summary>Asks the masters now, falling back to the cached topology (marked stale) if none answers.</summary>
    /// <exception cref="MasterUnavailableException">No master answered and there is no topology yet.</exception>
    public Task<TopologySnapshot> RefreshTopologyAsync(CancellationToken cancellationToken) => RefreshTopologyAsync(force: true, cancellationToken);

    /// <summary>Leases <paramref name="count"/> needle ids (1 to 65,536) from the first master that grants them.</summary>
    /// <exception cref="MasterUnavailableException">No master granted a lease.</exception>
    public async Task<NeedleIdRange> AcquireNeedleIdsAsync(int count, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, NeedleIdLeaser.MaxLease);
        var failures = new List<string>();
        var first = Volatile.Read(ref _preferred);
        for (var i = 0; i < _masters.Length; i++)
        {
            var index = (first + i) % _masters.Length;
            var master = _masters[index];
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(_options.AttemptTimeout);
            try
            {
                var url = new Uri(master, string.Create(CultureInfo.InvariantCulture, $"v1/leases/needle-ids?count={count}"));
                using var response = await _http.PostAsync(url, content: null, attempt.Token);
                if (response.StatusCode == HttpStatusCode.OK
                    && await response.Content.ReadFromJsonAsync(MasterJsonContext.Default.NeedleIdRange, attempt.Token) is { } range
                    && range.Count == (ulong)count)
                {
                    Volatile.Write(ref _preferred, index);
                    return range;
                }

                failures.Add($"{master}: HTTP {(int)response.StatusCode}");
            }
            catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
            {
                Log.MasterUnreachable(_logger, master, ex.Message);
                failures.Add($"{master}: {ex.Message}");
            }
        }

        throw new MasterUnavailableException($"no master granted {count} needle ids: {string.Join("; ", failures)}");
    }

    public void Dispose() => _refresh.Dispose();

    private async Task<TopologySnapshot> RefreshTopologyAsync(bool force, CancellationToken cancellationToken)
    {
        await _refresh.WaitAsync(cancellationToken);
        try
        {
            if (!force && IsFresh() && Cached is { } fresh)
            {
                return fresh;
            }

            var (answer, failures) = await AskForTopologyAsync(cancellationToken);
            var now = _time.GetUtcNow();
            Volatile.Write(ref _nextRefreshTicks, (now + _options.RefreshInterval).UtcTicks);
            if (answer is not null)
            {
                Volatile.Write(ref _cached, answer);
                return answer;
            }

            var cached = Volatile.Read(ref _cached);
            if (cached is null)
            {
                Volatile.Write(ref _nextRefreshTicks, 0);
                throw new MasterUnavailableException($"no master answered and no topology is cached: {string.Join("; ", failures)}");
            }

            var stale = cached with { Stale = true };
            Volatile.Write(ref _cached, stale);
            return stale with { Age = now - stale.FetchedAt };
        }
        finally
        {
            _refresh.Release();
        }
    }

    /// <summary>The first answer from a master that is not warming up, else the first answer at all.</summary>
    private async Task<(TopologySnapshot? Answer, List<string> Failures)> AskForTopologyAsync(CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        TopologySnapshot? warming = null;
        var first = Volatile.Read(ref _preferred);
        for (var i = 0; i < _masters.Length; i++)
        {
            var index = (first + i) % _masters.Length;
            var master = _masters[index];
            using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            attempt.CancelAfter(_options.AttemptTimeout);
            try
            {
                using var response = await _http.GetAsync(new Uri(master, "v1/topology"), attempt.Token);
                if (response.StatusCode != HttpStatusCode.OK)
                {
                    failures.Add($"{master}: HTTP {(int)response.StatusCode}");
                    continue;
                }

                var topology = await response.Content.ReadFromJsonAsync(MasterJsonContext.Default.Topology, attempt.Token);
                if (topology?.Groups is null)
                {
                    failures.Add($"{master}: an empty answer");
                    continue;
                }

                var snapshot = new TopologySnapshot(topology, master, _time.GetUtcNow(), TimeSpan.Zero, Stale: false);
                if (!topology.WarmingUp)
                {
                    Volatile.Write(ref _preferred, index);
                    return (snapshot, failures);
                }

                warming ??= snapshot;
            }
            catch (Exception ex) when (IsUnreachable(ex, cancellationToken))
            {
                Log.MasterUnreachable(_logger, master, ex.Message);
                failures.Add($"{master}: {ex.Message}");
            }
        }

        return (warming, failures);
    }

    private bool IsFresh() => _time.GetUtcNow().UtcTicks < Volatile.Read(ref _nextRefreshTicks);

    private static bool IsUnreachable(Exception ex, CancellationToken cancellationToken) =>
        ex is HttpRequestException or JsonException or NotSupportedException
        || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private static Uri BaseUrl(Uri master)
    {
        ArgumentNullException.ThrowIfNull(master);
        if (!master.IsAbsoluteUri || (master.Scheme != Uri.UriSchemeHttp && master.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"the master \"{master}\" is not an http:// or https:// URL", nameof(master));
        }

        return master.AbsoluteUri.EndsWith('/') ? master : new Uri(master.AbsoluteUri + "/");
    }
}
