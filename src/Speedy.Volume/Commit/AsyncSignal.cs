using System.Threading.Tasks.Sources;

namespace Speedy.Volume.Commit;

/// <summary>
/// An auto-reset event for one waiting loop (the syncer), allocation-free: a <see cref="Set"/> with nobody waiting
/// is remembered, and the next <see cref="WaitAsync"/> completes at once.
/// </summary>
internal sealed class AsyncSignal : IValueTaskSource
{
    private readonly Lock _lock = new();
    private ManualResetValueTaskSourceCore<bool> _core;
    private bool _signaled;
    private bool _waiting;

    public AsyncSignal()
    {
        _core.RunContinuationsAsynchronously = true;
    }

    public ValueTask WaitAsync()
    {
        lock (_lock)
        {
            if (_signaled)
            {
                _signaled = false;
                return default;
            }

            _waiting = true;
            return new ValueTask(this, _core.Version);
        }
    }

    public void Set()
    {
        lock (_lock)
        {
            if (_waiting)
            {
                _waiting = false;
                _core.SetResult(true);
            }
            else
            {
                _signaled = true;
            }
        }
    }

    public void GetResult(short token)
    {
        lock (_lock)
        {
            _core.GetResult(token);
            _core.Reset();
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
