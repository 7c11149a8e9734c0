using System.Diagnostics;

namespace Speedy.LoadTest;

/// <summary>Nearest-rank percentiles, in milliseconds, of every sample of a step (null when none completed).</summary>
internal readonly record struct Percentiles(double? P50Ms, double? P99Ms, double? MaxMs)
{
    public static Percentiles Of(IReadOnlyList<LatencySamples> clients)
    {
        var count = 0;
        foreach (var client in clients)
        {
            count += client.Count;
        }

        if (count == 0)
        {
            return default;
        }

        var all = new long[count];
        var filled = 0;
        foreach (var client in clients)
        {
            client.Ticks.CopyTo(all.AsSpan(filled));
            filled += client.Count;
        }

        Array.Sort(all);
        return new Percentiles(Milliseconds(all, 0.50), Milliseconds(all, 0.99), Milliseconds(all, 1.0));
    }

    private static double Milliseconds(long[] sorted, double quantile)
    {
        var rank = (int)Math.Ceiling(quantile * sorted.Length);
        return sorted[Math.Max(rank, 1) - 1] * 1000.0 / Stopwatch.Frequency;
    }
}
