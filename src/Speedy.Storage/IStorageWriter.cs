namespace Speedy.Storage;

/// <summary>
/// Appends bytes to one path. Disposing without <see cref="CommitAsync"/> or <see cref="CancelAsync"/> makes
/// the bytes written so far durable and leaves them resumable with <c>WriterAsync(path, append: true)</c>.
/// After <see cref="CommitAsync"/> or <see cref="CancelAsync"/>, every method but <c>DisposeAsync</c> throws
/// <see cref="InvalidOperationException"/>. Not safe for concurrent use.
/// </summary>
public interface IStorageWriter : IAsyncDisposable
{
    /// <summary>Bytes at the path, including those written before this writer was opened.</summary>
    long Size { get; }

    ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken);

    /// <summary>Makes every byte durable and closes the writer; no more writes are accepted.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken);

    /// <summary>Discards everything at the path and closes the writer.</summary>
    ValueTask CancelAsync(CancellationToken cancellationToken);
}
