using System.Diagnostics;
using System.Globalization;

namespace Speedy.Volume.Benchmarks.Macro;

/// <summary>
/// Many writers storing small blobs durably: into one volume by group commit, against one file per blob written
/// and fsynced on its own (what a filesystem storage driver does when it makes each blob durable), both for the same
/// time with the same number of concurrent writers.
/// </summary>
internal sealed class SmallWrites(string root, int writers, int size, TimeSpan duration)
{
    public async Task<double> EngineAsync()
    {
        var directory = Path.Combine(root, "small-engine");
        Directory.CreateDirectory(directory);
        try
        {
            var data = Data();
            await using var volume = NeedleVolume.Create(new VolumeOptions { Directory = directory, Size = 16L << 30 }, new GroupId(1), new VolumeId(1));
            long next = 0;
            var stopwatch = Stopwatch.StartNew();
            var tasks = Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
            {
                long count = 0;
                while (stopwatch.Elapsed < duration)
                {
                    await volume.AppendAsync(new NeedleId((ulong)Interlocked.Increment(ref next)), new Cookie(7), data);
                    count++;
                }

                return count;
            })).ToArray();
            var total = (await Task.WhenAll(tasks)).Sum();
            return total / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    public async Task<double> FilePerBlobAsync()
    {
        var directory = Path.Combine(root, "small-files");
        for (var i = 0; i < 256; i++)
        {
            Directory.CreateDirectory(Path.Combine(directory, i.ToString("x2", CultureInfo.InvariantCulture)));
        }

        try
        {
            var data = Data();
            long next = 0;
            var stopwatch = Stopwatch.StartNew();
            var tasks = Enumerable.Range(0, writers).Select(_ => Task.Run(() =>
            {
                long count = 0;
                while (stopwatch.Elapsed < duration)
                {
                    var id = Interlocked.Increment(ref next);
                    var path = Path.Combine(directory, (id & 0xff).ToString("x2", CultureInfo.InvariantCulture), id.ToString("x", CultureInfo.InvariantCulture));
                    using (var handle = File.OpenHandle(path, FileMode.CreateNew, FileAccess.Write))
                    {
                        RandomAccess.Write(handle, data, 0);
                        RandomAccess.FlushToDisk(handle);
                    }

                    count++;
                }

                return count;
            })).ToArray();
            var total = (await Task.WhenAll(tasks)).Sum();
            return total / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private byte[] Data()
    {
        var data = new byte[size];
        new Random(1).NextBytes(data);
        return data;
    }
}
