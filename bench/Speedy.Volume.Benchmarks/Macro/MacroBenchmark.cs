using System.Diagnostics;
using System.Globalization;

namespace Speedy.Volume.Benchmarks.Macro;

/// <summary>
/// The end-to-end figures the README reports, all against the same directory (so the same disk) in one run:
/// <code>
/// dotnet run -c Release --project bench/Speedy.Volume.Benchmarks -- macro --dir /var/tmp/speedy-bench [--seconds 5] [--repeat 3]
/// </code>
/// Each comparison runs engine and baseline once untimed (JIT, and the first touch of page-cache memory, which on a
/// VM costs far more than any later one), then alternates them <c>--repeat</c> times and reports the median.
/// </summary>
internal static class MacroBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        string? directory = null;
        var seconds = 5.0;
        var repeat = 3;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--dir":
                    directory = args[i + 1];
                    break;
                case "--seconds":
                    seconds = double.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                case "--repeat":
                    repeat = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
                    break;
                default:
                    Console.Error.WriteLine($"Unknown option {args[i]}.");
                    return 2;
            }
        }

        if (directory is null)
        {
            Console.Error.WriteLine("Usage: macro --dir <directory on the disk to measure> [--seconds 5] [--repeat 3]");
            return 2;
        }

        Directory.CreateDirectory(directory);
        var duration = TimeSpan.FromSeconds(seconds);
        Console.WriteLine($"# Speedy.Volume macro benchmark");
        Console.WriteLine();
        Console.WriteLine($"directory {Path.GetFullPath(directory)} on {Describe.Filesystem(directory)}; {Environment.ProcessorCount} cores, {Describe.Cpu()}; .NET {Environment.Version}; {duration.TotalSeconds:0.#} s per timed run, median of {repeat}");
        Console.WriteLine();

        var rows = new List<string[]>();

        var small = new SmallWrites(directory, writers: 64, size: 4096, duration);
        await new SmallWrites(directory, writers: 64, size: 4096, TimeSpan.FromSeconds(1)).EngineAsync();
        await new SmallWrites(directory, writers: 64, size: 4096, TimeSpan.FromSeconds(1)).FilePerBlobAsync();
        var engine = new List<double>();
        var files = new List<double>();
        for (var r = 0; r < repeat; r++)
        {
            engine.Add(await small.EngineAsync());
            files.Add(await small.FilePerBlobAsync());
            Progress($"4 KiB x 64 writers, run {r + 1}: engine {engine[^1]:N0}/s, file per blob {files[^1]:N0}/s");
        }

        rows.Add(["4 KiB needles, 64 writers, durable", $"{Median(engine):N0} needles/s", $"{Median(files):N0} files/s (one file per blob, fsync each)", $"{Median(engine) / Median(files):0.0}x", ">= 10x"]);

        var large = new LargeWrites(directory, needles: 8, needleSize: 64 << 20);
        await large.EngineAsync();
        await large.DdAsync(direct: true);
        await large.DdAsync(direct: false);
        var engineLarge = new List<double>();
        var direct = new List<double>();
        var buffered = new List<double>();
        for (var r = 0; r < repeat; r++)
        {
            engineLarge.Add(await large.EngineAsync());
            direct.Add(await large.DdAsync(direct: true));
            buffered.Add(await large.DdAsync(direct: false));
            Progress($"64 MiB x 8, run {r + 1}: engine {engineLarge[^1]:N0} MB/s, dd direct {direct[^1]:N0} MB/s, dd buffered {buffered[^1]:N0} MB/s");
        }

        var bestDd = Math.Max(Median(direct), Median(buffered));
        rows.Add(["64 MiB needles, sequential, fdatasync each", $"{Median(engineLarge):N0} MB/s", $"{Median(direct):N0} MB/s (dd oflag=direct conv=fdatasync), {Median(buffered):N0} MB/s (dd conv=fdatasync)", $"{Median(engineLarge) / bestDd:0%} of the faster dd", ">= 90%"]);

        var reads = new RandomReads(directory, needles: 256 * 1024, size: 4096, duration);
        await reads.FillAsync();
        reads.Run(threads: 1);
        var oneCore = new List<double>();
        var allCores = new List<double>();
        for (var r = 0; r < repeat; r++)
        {
            oneCore.Add(reads.Run(threads: 1));
            allCores.Add(reads.Run(threads: Environment.ProcessorCount));
            Progress($"4 KiB random reads, run {r + 1}: 1 thread {oneCore[^1]:N0}/s, {Environment.ProcessorCount} threads {allCores[^1]:N0}/s");
        }

        await reads.DisposeAsync();
        rows.Add(["4 KiB random reads, page cache, 1 thread", $"{Median(oneCore):N0} reads/s", $"{Median(allCores):N0} reads/s on {Environment.ProcessorCount} threads", "", ">= 100,000/core"]);

        Console.WriteLine();
        Print(["workload", "Speedy.Volume", "baseline", "ratio", "goal"], rows);
        return 0;
    }

    internal static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static void Progress(string line) => Console.WriteLine($"  {line}");

    private static void Print(string[] header, List<string[]> rows)
    {
        Console.WriteLine("| " + string.Join(" | ", header) + " |");
        Console.WriteLine("|" + string.Concat(header.Select(_ => "---|")));
        foreach (var row in rows)
        {
            Console.WriteLine("| " + string.Join(" | ", row) + " |");
        }
    }

    /// <summary>Runs a process to completion; returns its standard error (dd reports there).</summary>
    internal static async Task<string> RunProcessAsync(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {command}.");
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{command} exited {process.ExitCode}: {await error}");
        }

        return await error;
    }
}
