using BenchmarkDotNet.Attributes;
using Speedy.IO;
using Speedy.Volume.Format;
using Speedy.Volume.Index;

namespace Speedy.Volume.Benchmarks;

/// <summary>The in-memory index at a million needles, and the CRC-32C the records are checked with.</summary>
[MemoryDiagnoser]
public class IndexBenchmarks
{
    private const int Count = 1_000_000;

    private readonly NeedleMap _map = new();
    private readonly Random _random = new(4);
    private readonly byte[] _block = new byte[4096];
    private readonly byte[] _fragment = new byte[4 << 20];

    [GlobalSetup]
    public void Setup()
    {
        for (var id = 1UL; id <= Count; id++)
        {
            _map.Set(new NeedleEntry(id * 0x9E3779B1UL, (uint)id + 8, 4096), out _);
        }

        new Random(5).NextBytes(_block);
        new Random(6).NextBytes(_fragment);
    }

    [Benchmark]
    public bool LookupHit() => _map.TryGetValue((ulong)_random.Next(1, Count + 1) * 0x9E3779B1UL, out _);

    [Benchmark]
    public bool LookupMiss() => _map.TryGetValue(((ulong)_random.Next(1, Count + 1) * 0x9E3779B1UL) + 1, out _);

    [Benchmark]
    public uint Crc32C4KiB() => Crc32C.Compute(_block);

    /// <summary>A fragment's worth: the three-lane path.</summary>
    [Benchmark]
    public uint Crc32C4MiB() => Crc32C.Compute(_fragment);
}
