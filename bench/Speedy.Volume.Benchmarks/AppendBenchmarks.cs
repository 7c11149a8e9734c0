using BenchmarkDotNet.Attributes;

namespace Speedy.Volume.Benchmarks;

/// <summary>
/// Appending a 4 KiB needle: into the page cache (<see cref="SyncPolicy.None"/>, which completes synchronously), and
/// durably by group commit with 1 and 64 writers awaiting in async loops. Each iteration gets a fresh volume, so
/// none fills up, with its index sized for the iteration's needles (<see cref="VolumeOptions.ExpectedNeedles"/>)
/// and one untimed append per writer first (a new volume's first appends allocate its pooled waiters and ring).
/// Allocated is per append, counted on every thread (the syncer's included).
/// </summary>
[MemoryDiagnoser]
public class AppendBenchmarks : IDisposable
{
    private const int PageCacheAppends = 20_000;
    private const int DurableRounds = 64;

    private readonly byte[] _data = new byte[4096];
    private string _directory = "";
    private NeedleVolume? _volume;
    private AppendDriver? _driver;
    private ulong _nextId;

    [GlobalSetup]
    public void Setup() => new Random(1).NextBytes(_data);

    [IterationSetup(Target = nameof(AppendToPageCache))]
    public void SetupPageCache()
    {
        Open(SyncPolicy.None, 256L << 20, PageCacheAppends + 1);
        AppendToPageCache();
    }

    [IterationSetup(Target = nameof(AppendToPageCacheGrowingTheIndex))]
    public void SetupPageCacheGrowing()
    {
        Open(SyncPolicy.None, 256L << 20, 0);
        AppendToPageCache();
    }

    [IterationSetup(Target = nameof(AppendDurableOneWriter))]
    public void SetupOneWriter() => OpenDurable(1);

    [IterationSetup(Target = nameof(AppendDurable64Writers))]
    public void Setup64Writers() => OpenDurable(64);

    [IterationCleanup]
    public void Cleanup()
    {
        _driver?.Dispose();
        _driver = null;
        _volume?.DisposeAsync().AsTask().GetAwaiter().GetResult();
        _volume = null;
        BenchmarkDirectory.Delete(_directory);
    }

    [Benchmark]
    [InvocationCount(PageCacheAppends)]
    public void AppendToPageCache()
    {
        // With SyncPolicy.None and one writer the append completes before it returns; GetResult recycles its waiter.
        var append = _volume!.AppendAsync(new NeedleId(++_nextId), new Cookie(7), _data);
        if (!append.IsCompleted)
        {
            throw new InvalidOperationException("A page-cache append did not complete synchronously.");
        }

        append.GetAwaiter().GetResult();
    }

    /// <summary>
    /// As <see cref="AppendToPageCache"/> without <see cref="VolumeOptions.ExpectedNeedles"/>: the index grows by a
    /// quarter when 90% full, copying itself, which comes to about 100 bytes per new needle.
    /// </summary>
    [Benchmark]
    [InvocationCount(PageCacheAppends)]
    public void AppendToPageCacheGrowingTheIndex() => AppendToPageCache();

    [Benchmark]
    [InvocationCount(DurableRounds)]
    public void AppendDurableOneWriter() => _driver!.Run();

    [Benchmark(OperationsPerInvoke = 64)]
    [InvocationCount(DurableRounds)]
    public void AppendDurable64Writers() => _driver!.Run();

    public void Dispose()
    {
        Cleanup();
        GC.SuppressFinalize(this);
    }

    private void OpenDurable(int writers)
    {
        Open(SyncPolicy.GroupCommit, 64L << 20, writers * (DurableRounds + 1));
        _driver = new AppendDriver(_volume!, writers, _data);
        _driver.Run();
    }

    private void Open(SyncPolicy policy, long size, int expectedNeedles)
    {
        _directory = BenchmarkDirectory.Create("append");
        var options = new VolumeOptions { Directory = _directory, Size = size, SyncPolicy = policy, ExpectedNeedles = expectedNeedles };
        _volume = NeedleVolume.Create(options, new GroupId(1), new VolumeId(1));
    }
}
