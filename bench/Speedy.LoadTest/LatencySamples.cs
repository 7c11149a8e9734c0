using System.Diagnostics;

namespace Speedy.LoadTest;

/// <summary>One client's operation times in <see cref="Stopwatch"/> ticks; only its own client writes to it.</summary>
internal sealed class LatencySamples
{
    private long[] _ticks = new long[1024];

    public int Count { get; private set; }

    public ReadOnlySpan<long> Ticks => _ticks.AsSpan(0, Count);

    public void Add(long ticks)
    {
        if (Count == _ticks.Length)
        {
            Array.Resize(ref _ticks, _ticks.Length * 2);
        }

        _ticks[Count++] = ticks;
    }
}
