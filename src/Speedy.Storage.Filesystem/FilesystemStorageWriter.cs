using Microsoft.Win32.SafeHandles;

namespace Speedy.Storage.Filesystem;

/// <summary>
/// Writes a file in place with positional writes, unbuffered: each <see cref="WriteAsync"/> reaches the page cache
/// before it completes, so the bytes are readable at the path at once. Callers should pass large buffers.
/// </summary>
internal sealed class FilesystemStorageWriter : IStorageWriter
{
    private const int Open = 0;
    private const int Committed = 1;
    private const int Cancelled = 2;
    private const int Disposed = 3;

    private readonly FilesystemStorageDriver _driver;
    private readonly string _fullPath;
    private readonly string _directory;
    private readonly SafeFileHandle _handle;
    private long _size;
    private int _state;

    public FilesystemStorageWriter(
        FilesystemStorageDriver driver, string fullPath, string directory, SafeFileHandle handle, long size)
    {
        _driver = driver;
        _fullPath = fullPath;
        _directory = directory;
        _handle = handle;
        _size = size;
    }

    public long Size => _size;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        try
        {
            await RandomAccess.WriteAsync(_handle, buffer, _size, cancellationToken);
            _size += buffer.Length;
        }
        catch (Exception)
        {
            // Part of the buffer may have landed: the file's length is the truth.
            _size = RandomAccess.GetLength(_handle);
            throw;
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
            FlushAndClose();
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
            _handle.Dispose();
            File.Delete(_fullPath);
            _driver.PruneEmptyDirectories(_directory);
            return ValueTask.CompletedTask;
        }
        catch (Exception exception)
        {
            return ValueTask.FromException(exception);
        }
    }

    /// <summary>Without a commit or cancel, flushes the bytes to disk (they stay resumable) and closes.</summary>
    public ValueTask DisposeAsync()
    {
        if (_state != Open)
        {
            return ValueTask.CompletedTask;
        }

        _state = Disposed;
        try
        {
            FlushAndClose();
            return ValueTask.CompletedTask;
        }
        catch (Exception exception)
        {
            return ValueTask.FromException(exception);
        }
    }

    private void FlushAndClose()
    {
        try
        {
            RandomAccess.FlushToDisk(_handle);
            DirectorySync.Flush(_directory);
        }
        finally
        {
            _handle.Dispose();
        }
    }

    private void ThrowIfClosed()
    {
        switch (_state)
        {
            case Open:
                return;
            case Disposed:
                throw new ObjectDisposedException(nameof(FilesystemStorageWriter));
            default:
                throw new InvalidOperationException(
                    _state == Committed ? "the writer has been committed" : "the writer has been cancelled");
        }
    }
}
