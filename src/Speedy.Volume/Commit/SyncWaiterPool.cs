namespace Speedy.Volume.Commit;

/// <summary>A bounded stack of <see cref="SyncWaiter"/>s; waiters that are never awaited are simply not returned.</summary>
internal sealed class SyncWaiterPool
{
    private const int MaxPooled = 1024;

    private readonly Lock _lock = new();
    private readonly SyncWaiter[] _items = new SyncWaiter[MaxPooled];
    private int _count;

    public SyncWaiter Rent()
    {
        lock (_lock)
        {
            if (_count > 0)
            {
                var waiter = _items[--_count];
                _items[_count] = null!; // the slot is past the top of the stack and never read again before a Return
                return waiter;
            }
        }

        return new SyncWaiter(this);
    }

    public void Return(SyncWaiter waiter)
    {
        lock (_lock)
        {
            if (_count < MaxPooled)
            {
                _items[_count++] = waiter;
            }
        }
    }
}
