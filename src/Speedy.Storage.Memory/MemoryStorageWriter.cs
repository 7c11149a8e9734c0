namespace Speedy.Storage.Memory;

/// <summary>Appends to one <see cref="MemoryFile"/>; each write is visible at the path as soon as it completes.</summary>
internal sealed class MemoryStorageWriter : IStorageWriter
{
    private const int Open = 0;
    private const int Committed = 1;
    private const int Cancelled = 2;
    private const int Disposed = 3;

    private readonly MemoryStorageDriver _driver;
    private readonly string _path;
    private readonly MemoryFile _file;
    private long _size;
    private int _state;

    public MemoryStorageWriter(MemoryStorageDriver driver, string path, MemoryFile file, long size)
    {
        _driver = driver;
        _path = path;
        _file = file;
        _size = size;
    }

    public long Size => _size;

    public ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            ThrowIfClosed();
            _driver.Append(_file, buffer.Span);
            _size += buffer.Length;
            return ValueTask.CompletedTask;
        }
        catch (Exception exception)
        {
            return ValueTask.FromException(exception);
        }
    }

    public ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            ThrowIfClosed();
            return ValueTask.CompletedTask;
        }
        catch (Exception exception)
        {
            return ValueTask.FromException(exception);
        }
    }

    public ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            ThrowIfClosed();
            _state = Committed;
            _driver.Release(_file);
            return ValueTask.CompletedTask;
        }
        catch (Exception exception)
        {
            return ValueTask.FromException(exception);
        }
    }

    public ValueTask CancelAsync(CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }

        try
        {
            ThrowIfClosed();
            _state = Cancelled;
            _driver.Discard(_path, _file);
            return ValueTask.CompletedTask;
        }
        catch (Exception exception)
        {
            return ValueTask.FromException(exception);
        }
    }

    public ValueTask DisposeAsync()
    {
        if (_state == Open)
        {
            _state = Disposed;
            _driver.Release(_file);
        }

        return ValueTask.CompletedTask;
    }

    private void ThrowIfClosed()
    {
        switch (_state)
        {
            case Open:
                return;
            case Disposed:
                throw new ObjectDisposedException(nameof(MemoryStorageWriter));
            default:
                throw new InvalidOperationException(
                    _state == Committed ? "the writer has been committed" : "the writer has been cancelled");
        }
    }
}
