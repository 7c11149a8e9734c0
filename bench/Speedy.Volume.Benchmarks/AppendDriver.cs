using Speedy.Volume.Commit;

namespace Speedy.Volume.Benchmarks;

/// <summary>
/// Writers as a chunk server has them: long-lived async loops that await each append. <see cref="Run"/> makes every
/// writer append one needle and waits for all of them, so a benchmark measures the appends themselves and what
/// awaiting them costs an async caller, not the harness's way of blocking on a task.
/// </summary>
internal sealed class AppendDriver : IDisposable
{
    private readonly NeedleVolume _volume;
    private readonly ReadOnlyMemory<byte> _data;
    private readonly AsyncSignal[] _go;
    private readonly Task[] _loops;
    private readonly CountdownEvent _done;
    private long _nextId;
    private bool _stopping;
    private Exception? _error;

    public AppendDriver(NeedleVolume volume, int writers, ReadOnlyMemory<byte> data)
    {
        _volume = volume;
        _data = data;
        _done = new CountdownEvent(writers);
        _go = new AsyncSignal[writers];
        _loops = new Task[writers];
        for (var i = 0; i < writers; i++)
        {
            _go[i] = new AsyncSignal();
            var signal = _go[i];
            _loops[i] = Task.Run(() => LoopAsync(signal));
        }
    }

    public int Writers => _go.Length;

    /// <summary>One append per writer; returns when all are acknowledged.</summary>
    public void Run()
    {
        _done.Reset(_go.Length);
        foreach (var signal in _go)
        {
            signal.Set();
        }

        _done.Wait();
        if (_error is { } error)
        {
            throw new InvalidOperationException("An append failed.", error);
        }
    }

    public void Dispose()
    {
        _stopping = true;
        foreach (var signal in _go)
        {
            signal.Set();
        }

        Task.WaitAll(_loops);
        _done.Dispose();
    }

    private async Task LoopAsync(AsyncSignal go)
    {
        while (true)
        {
            await go.WaitAsync();
            if (Volatile.Read(ref _stopping))
            {
                return;
            }

            try
            {
                await _volume.AppendAsync(new NeedleId((ulong)Interlocked.Increment(ref _nextId)), new Cookie(7), _data);
            }
            catch (Exception e)
            {
                _error = e;
            }

            _done.Signal();
        }
    }
}
