using System.Threading.Tasks.Sources;

namespace Speedy.Volume.Commit;

/// <summary>
/// What an append awaits: completed once a sync covers its record (or failed). Pooled and reused through
/// <see cref="ManualResetValueTaskSourceCore{TResult}"/>, so a durable append allocates nothing. Continuations run
/// on the thread pool, never on the syncer.
/// </summary>
internal sealed class SyncWaiter : IValueTaskSource
{
    private readonly SyncWaiterPool _pool;
    private ManualResetValueTaskSourceCore<bool> _core;

    public SyncWaiter(SyncWaiterPool pool)
    {
        _pool = pool;
        _core.RunContinuationsAsynchronously = true;
    }

    public ValueTask Task => new(this, _core.Version);

    public void SetResult() => _core.SetResult(true);

    public void SetException(Exception error) => _core.SetException(error);

    public void GetResult(short token)
    {
        try
        {
            _core.GetResult(token);
        }
        finally
        {
            _core.Reset();
            _pool.Return(this);
        }
    }

    public ValueTaskSourceStatus GetStatus(short token) => _core.GetStatus(token);

    public void OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _core.OnCompleted(continuation, state, token, flags);
}
