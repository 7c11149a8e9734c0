using System.Diagnostics;

namespace Speedy.Volume.Benchmarks.Macro;

/// <summary>
/// Random whole-needle reads (CRC-checked) from a volume that sits in the page cache, on one thread and on all cores.
/// </summary>
internal sealed class RandomReads(string root, int needles, int size, TimeSpan duration) : IAsyncDisposable
{
    private readonly string _directory = Path.Combine(root, "reads");
    private NeedleVolume? _volume;

    public async Task FillAsync()
    {
        Directory.CreateDirectory(_directory);
        var options = new VolumeOptions { Directory = _directory, Size = ((long)needles * (size + 64)) + (64L << 20), SyncPolicy = SyncPolicy.None };
        _volume = NeedleVolume.Create(options, new GroupId(1), new VolumeId(1));
        var data = new byte[size];
        new Random(1).NextBytes(data);
        for (var id = 1; id <= needles; id++)
        {
            await _volume.AppendAsync(new NeedleId((ulong)id), new Cookie(7), data);
        }

        // One pass in order, so every page is cached before the timed runs.
        var buffer = new byte[size];
        for (var id = 1; id <= needles; id++)
        {
            _volume.TryRead(new NeedleId((ulong)id), new Cookie(7), buffer, out _);
        }
    }

    public double Run(int threads)
    {
        var volume = _volume ?? throw new InvalidOperationException("FillAsync first.");
        var stopwatch = Stopwatch.StartNew();
        var counts = new long[threads];
        var workers = Enumerable.Range(0, threads).Select(t => new Thread(() =>
        {
            var random = new Random(t);
            var buffer = new byte[size];
            long count = 0;
            while ((count & 1023) != 0 || stopwatch.Elapsed < duration)
            {
                if (!volume.TryRead(new NeedleId((ulong)random.Next(1, needles + 1)), new Cookie(7), buffer, out _))
                {
                    throw new InvalidOperationException("A needle went missing.");
                }

                count++;
            }

            counts[t] = count;
        })).ToArray();
        foreach (var worker in workers)
        {
            worker.Start();
        }

        foreach (var worker in workers)
        {
            worker.Join();
        }

        return counts.Sum() / stopwatch.Elapsed.TotalSeconds;
    }

    public async ValueTask DisposeAsync()
    {
        if (_volume is not null)
        {
            await _volume.DisposeAsync();
        }

        Directory.Delete(_directory, recursive: true);
    }
}
