namespace Speedy.Storage;

/// <summary>
/// The storage-driver seam: a hierarchical key space of byte blobs, after CNCF Distribution's
/// <c>StorageDriver</c>. Paths are absolute, slash-separated, lower-level drivers never see "..", "." or
/// empty segments (<see cref="StoragePath"/> checks them). Every method throws
/// <see cref="StoragePathNotFoundException"/> when a path it reads does not exist.
/// </summary>
/// <remarks>
/// Contract every driver keeps, checked by the driver conformance suite:
/// <list type="bullet">
/// <item><see cref="PutContentAsync"/> is atomic: a reader sees the old content or the new, never a part.</item>
/// <item><see cref="MoveAsync"/> is atomic and replaces the destination.</item>
/// <item>A writer's bytes become readable through <see cref="ReaderAsync"/> and <see cref="StatAsync"/> at the
/// path as they are written (this is how an upload session is resumed by another replica); they are durable
/// after <see cref="IStorageWriter.CommitAsync"/> or after the writer is disposed without cancelling. Data only
/// reaches a client-visible path by <see cref="MoveAsync"/> or <see cref="PutContentAsync"/>, so a crash never
/// leaves a visible partial blob.</item>
/// <item><see cref="ListAsync"/> returns the direct children of a directory, ordinally sorted, as full paths.</item>
/// <item><see cref="DeleteAsync"/> removes a file or a whole directory tree.</item>
/// </list>
/// </remarks>
public interface IStorageDriver
{
    /// <summary>A short name for logs and metrics, e.g. "filesystem".</summary>
    string Name { get; }

    /// <summary>Reads a whole small file (metadata, manifests).</summary>
    ValueTask<byte[]> GetContentAsync(string path, CancellationToken cancellationToken);

    /// <summary>Atomically writes a whole small file, creating parent directories.</summary>
    ValueTask PutContentAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);

    /// <summary>Opens a read-only stream positioned at <paramref name="offset"/>.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The offset is negative or beyond the end.</exception>
    ValueTask<Stream> ReaderAsync(string path, long offset, CancellationToken cancellationToken);

    /// <summary>
    /// Opens a writer. With <paramref name="append"/> the writer continues after the bytes already written
    /// at the path (its <see cref="IStorageWriter.Size"/> starts there); otherwise it starts empty.
    /// </summary>
    ValueTask<IStorageWriter> WriterAsync(string path, bool append, CancellationToken cancellationToken);

    /// <summary>Describes a file or directory.</summary>
    ValueTask<StorageFileInfo> StatAsync(string path, CancellationToken cancellationToken);

    /// <summary>The direct children of a directory, ordinally sorted, as full paths.</summary>
    ValueTask<IReadOnlyList<string>> ListAsync(string path, CancellationToken cancellationToken);

    /// <summary>Atomically moves a file to a new path, replacing any file there; creates parent directories.</summary>
    ValueTask MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken);

    /// <summary>Deletes a file or a directory and everything under it.</summary>
    ValueTask DeleteAsync(string path, CancellationToken cancellationToken);
}
