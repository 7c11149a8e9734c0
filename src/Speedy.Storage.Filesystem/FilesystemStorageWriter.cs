using Microsoft.Win32.SafeHandles;
using Speedy.IO;

namespace Speedy.Storage.Filesystem;

/// <summary>
/// Writes a file in place with positional writes, unbuffered: each <see cref="WriteAsync"/> reaches the page cache
/// (or, with direct writes, the disk) before it completes, so the bytes are readable at the path at once. Callers
/// should pass large buffers. Holds the file's <see cref="WriterLock"/> from opening until it is committed, cancelled
/// or disposed.
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
    private readonly DirectWriter? _direct;
    private long _size;
    private int _state;

    /// <summary>Whether anything (the file's creation, then each write) may not be on disk yet.</summary>
    private bool _unflushed = true;

    public FilesystemStorageWriter(
        FilesystemStorageDriver driver, string fullPath, string directory, SafeFileHandle handle, long size, DirectWriter? direct)
    {
        _driver = driver;
        _fullPath = fullPath;
        _directory = directory;
        _handle = handle;
        _size = size;
        _direct = direct;
    }

    public long Size => _size;

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken)
    {
        ThrowIfClosed();
        _unflushed = true;
        try
        {
            if (!TryWriteDirect(buffer.Span, _size))
            {
                await RandomAccess.WriteAsync(_handle, buffer, _size, cancellationToken);
            }

            _size += buffer.Length;
        }
        catch (Exception)
        {
            // Part of the buffer may have landed: the file's length is the truth.
            _size = RandomAccess.GetLength(_handle);
            throw;
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
            Flush();
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
            try
            {
                // Deleted while still locked: once the lock is released, another writer may open and lock the path,
                // and a delete after that would remove its file.
                File.Delete(_fullPath);
            }
            catch (DirectoryNotFoundException)
            {
                // A delete of the directory took the file with it.
            }
            finally
            {
                Close();
            }

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

    /// <summary>
    /// With direct writes, a buffer with a long page-aligned middle: its head through the page cache, the middle past
    /// it, then its tail, so the file only ever grows by contiguous bytes. False when the buffer is left to the caller.
    /// </summary>
    private bool TryWriteDirect(ReadOnlySpan<byte> source, long offset)
    {
        var (start, end) = DirectWriter.AlignedMiddle(offset, source.Length);
        if (_direct is null || end == start)
        {
            return false;
        }

        var head = (int)(start - offset);
        var middle = (int)(end - start);
        RandomAccess.Write(_handle, source[..head], offset);
        if (!_direct.TryWrite(source.Slice(head, middle), start, _fullPath))
        {
            RandomAccess.Write(_handle, source[head..], start);
            return true;
        }

        RandomAccess.Write(_handle, source[(head + middle)..], end);
        return true;
    }

    private void Flush()
    {
        if (!_unflushed)
        {
            return;
        }

        RandomAccess.FlushToDisk(_handle);
        DirectorySync.Flush(_directory);
        _unflushed = false;
    }

    private void FlushAndClose()
    {
        try
        {
            Flush();
        }
        finally
        {
            Close();
        }
    }

    /// <summary>Closes the file, which releases its writer lock.</summary>
    private void Close()
    {
        _direct?.Dispose();
        _handle.Dispose();
        WriterLock.Release(_handle);
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
