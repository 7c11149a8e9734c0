using System.Collections.Concurrent;

namespace Speedy.Index.Tokens;

/// <summary>
/// Failed sign-ins per remote address, in memory: after too many within the window the address is refused until the
/// window ends. Counts from one window start (fixed window); entries of past windows are dropped as the map grows.
/// </summary>
internal sealed class AddressThrottle(int maxFailures, TimeSpan window, TimeProvider timeProvider)
{
    private const int PurgeThreshold = 10_000;

    private readonly ConcurrentDictionary<string, Window> _windows = new(StringComparer.Ordinal);

    /// <summary>How long the address is still refused, or null when it may try.</summary>
    public TimeSpan? RetryAfter(string address)
    {
        if (!_windows.TryGetValue(address, out var entry))
        {
            return null;
        }

        var now = timeProvider.GetUtcNow();
        lock (entry)
        {
            var ends = entry.Start + window;
            return entry.Failures >= maxFailures && ends > now ? ends - now : null;
        }
    }

    public void Fail(string address)
    {
        var now = timeProvider.GetUtcNow();
        if (_windows.Count > PurgeThreshold)
        {
            foreach (var (key, stale) in _windows)
            {
                if (stale.Start + window <= now)
                {
                    _windows.TryRemove(key, out _);
                }
            }
        }

        var entry = _windows.GetOrAdd(address, _ => new Window { Start = now });
        lock (entry)
        {
            if (entry.Start + window <= now)
            {
                entry.Start = now;
                entry.Failures = 0;
            }

            entry.Failures++;
        }
    }

    private sealed class Window
    {
        public DateTimeOffset Start { get; set; }

        public int Failures { get; set; }
    }
}
