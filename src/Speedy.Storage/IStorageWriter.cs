namespace Speedy.Storage;

/// <summary>
/// Appends bytes to one path. Disposing without <see cref="CommitAsync"/> or <see cref="CancelAsync"/> makes
/// the bytes written so far durable and leaves them resumable with <c>WriterAsync(path, append: true)</c>.
/// After <see cref="CommitAsync"/> or <see cref="CancelAsync"/>, every method but <c>DisposeAsync</c> throws
/// <see cref="InvalidOperationException"/>. Not safe for concurrent use.
/// </summary>
/// <remarks>
/// A writer is exclusive: while it is open, no other writer can be opened on its path, in this process or in any
/// other sharing the storage (<see cref="IStorageDriver.WriterAsync"/> throws
/// <see cref="StorageWriterBusyException"/>). <see cref="CommitAsync"/>, <see cref="CancelAsync"/> and
/// <c>DisposeAsync</c> release the path; so does the death of the process. Readers are never blocked.
/// </remarks>
public interface IStorageWriter : IAsyncDisposable
{
    /// <summary>Bytes at the path, including those written before this writer was opened.</summary>
    long Size { get; }

    ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>
    /// Makes the bytes written so far durable without closing the writer, which keeps its path: a caller can record
    /// what it wrote (in another file) before another writer may open the path.
    /// </summary>
    ValueTask FlushAsync(CancellationToken cancellationToken);

    /// <summary>Makes every byte durable and closes the writer; no more writes are accepted.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken);

    /// <summary>Discards everything at the path and closes the writer.</summary>
    ValueTask CancelAsync(CancellationToken cancellationToken);
}
