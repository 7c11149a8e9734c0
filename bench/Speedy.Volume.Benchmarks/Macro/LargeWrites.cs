using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Speedy.Volume.Benchmarks.Macro;

/// <summary>
/// Large needles one after another, each synced before the next (fdatasync per needle), against <c>dd</c> writing the
/// same number of bytes per file with <c>conv=fdatasync</c> (one fdatasync per file), with and without O_DIRECT.
/// </summary>
internal sealed partial class LargeWrites(string root, int needles, int needleSize)
{
    public async Task<double> EngineAsync()
    {
        var directory = Path.Combine(root, "large-engine");
        Directory.CreateDirectory(directory);
        try
        {
            var data = new byte[needleSize];
            new Random(1).NextBytes(data);
            var options = new VolumeOptions { Directory = directory, Size = ((long)needleSize * needles) + (64L << 20) };
            await using var volume = NeedleVolume.Create(options, new GroupId(1), new VolumeId(1));
            var stopwatch = Stopwatch.StartNew();
            for (var i = 1; i <= needles; i++)
            {
                await volume.AppendAsync(new NeedleId((ulong)i), new Cookie(7), data);
            }

            return (double)needleSize * needles / 1e6 / stopwatch.Elapsed.TotalSeconds;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>MB/s as dd reports it (its own clock: the process start is not counted), over all the files.</summary>
    public async Task<double> DdAsync(bool direct)
    {
        var directory = Path.Combine(root, "large-dd");
        Directory.CreateDirectory(directory);
        try
        {
            var seconds = 0.0;
            for (var i = 0; i < needles; i++)
            {
                List<string> arguments = ["if=/dev/zero", $"of={Path.Combine(directory, i.ToString(CultureInfo.InvariantCulture))}", "bs=1M", $"count={needleSize >> 20}", "conv=fdatasync"];
                if (direct)
                {
                    arguments.Add("oflag=direct");
                }

                var output = await MacroBenchmark.RunProcessAsync("dd", [.. arguments]);
                var match = DdSeconds().Match(output);
                if (!match.Success)
                {
                    throw new InvalidOperationException($"Cannot read dd's time from: {output}");
                }

                seconds += double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            }

            return (double)needleSize * needles / 1e6 / seconds;
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [GeneratedRegex(@"copied, ([0-9.e+-]+) s")]
    private static partial Regex DdSeconds();
}
