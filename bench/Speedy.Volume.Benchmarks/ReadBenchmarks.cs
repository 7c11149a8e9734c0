using BenchmarkDotNet.Attributes;

namespace Speedy.Volume.Benchmarks;

/// <summary>
/// Reading 4 KiB needles from the page cache: whole (with the CRC-32C check) and as a 1 KiB range, at random over
/// 64 Ki needles (256 MiB). Both read into the caller's buffer and should allocate nothing.
/// </summary>
[MemoryDiagnoser]
public class ReadBenchmarks
{
    private const int Needles = 64 * 1024;

    private readonly byte[] _buffer = new byte[4096];
    private readonly Random _random = new(3);
    private string _directory = "";
    private NeedleVolume? _volume;

    [GlobalSetup]
    public async Task Setup()
    {
        _directory = BenchmarkDirectory.Create("read");
        _volume = NeedleVolume.Create(new VolumeOptions { Directory = _directory, Size = 512L << 20, SyncPolicy = SyncPolicy.None }, new GroupId(1), new VolumeId(1));
        var data = new byte[4096];
        new Random(2).NextBytes(data);
        for (ulong id = 1; id <= Needles; id++)
        {
            await _volume.AppendAsync(new NeedleId(id), new Cookie(7), data);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _volume?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        BenchmarkDirectory.Delete(_directory);
    }

    [Benchmark]
    public int ReadWhole()
    {
        var id = new NeedleId((ulong)_random.Next(1, Needles + 1));
        _volume!.TryRead(id, new Cookie(7), _buffer, out var read);
        return read;
    }

    [Benchmark]
    public int ReadRange()
    {
        var id = new NeedleId((ulong)_random.Next(1, Needles + 1));
        _volume!.TryReadRange(id, new Cookie(7), 1024, _buffer.AsSpan(0, 1024), out var read);
        return read;
    }

    [Benchmark]
    public bool ReadWrongCookie()
    {
        var id = new NeedleId((ulong)_random.Next(1, Needles + 1));
        return _volume!.TryRead(id, new Cookie(8), _buffer, out _);
    }
}
