using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Memory;
using Speedy.Volume;

namespace Speedy.ImageServer;

/// <summary>
/// Hot fragments in memory (bounded by <see cref="ImageServerOptions.CacheBytes"/>, least recently used first out),
/// with single-flight misses: concurrent requests for a fragment that is not cached share one replica read, so 200
/// nodes pulling one layer cost the store one read per fragment.
/// </summary>
internal sealed class FragmentCache : IDisposable
{
    private readonly FragmentReader _reader;
    private readonly MemoryCache _cache;
    private readonly ConcurrentDictionary<FileId, Lazy<Task<CachedFragment>>> _flights = new();

    public FragmentCache(FragmentReader reader, ImageServerOptions options)
    {
        _reader = reader;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.CacheBytes });
    }

    /// <summary>
    /// The fragment, from memory or one replica. With <paramref name="expectedCrc"/>, bytes of another CRC-32C are
    /// never returned: a cached copy that does not match is read again, from replicas that match.
    /// </summary>
    public async Task<CachedFragment> GetAsync(FileId fileId, uint? expectedCrc, CancellationToken cancellationToken)
    {
        if (!_cache.TryGetValue(fileId, out CachedFragment? fragment) || fragment is null)
        {
            var flight = _flights.GetOrAdd(fileId, static (id, self) => new Lazy<Task<CachedFragment>>(() => self.FetchAsync(id)), this);
            fragment = await flight.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        if (expectedCrc is { } expected && fragment.Crc != expected)
        {
            fragment = await _reader.ReadAsync(fileId, expected, cancellationToken).ConfigureAwait(false);
            Remember(fileId, fragment);
        }

        return fragment;
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>
    /// The shared read of a miss. It belongs to no single request, so no request's cancellation stops it (the
    /// reader's per-replica timeouts bound it). It is cached before the flight ends, so a request arriving after the
    /// flight finds it cached.
    /// </summary>
    private async Task<CachedFragment> FetchAsync(FileId fileId)
    {
        try
        {
            if (_cache.TryGetValue(fileId, out CachedFragment? cached) && cached is not null)
            {
                return cached;
            }

            var fragment = await _reader.ReadAsync(fileId, null, CancellationToken.None).ConfigureAwait(false);
            Remember(fileId, fragment);
            return fragment;
        }
        finally
        {
            _flights.TryRemove(fileId, out _);
        }
    }

    private void Remember(FileId fileId, CachedFragment fragment) =>
        _cache.Set(fileId, fragment, new MemoryCacheEntryOptions { Size = Math.Max(1, fragment.Bytes.Length) });
}
