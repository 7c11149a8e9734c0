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
/// <item>Every method rejects a path that <see cref="StoragePath.IsValid"/> refuses with an
/// <see cref="ArgumentException"/> (<see cref="ArgumentNullException"/> for <see langword="null"/>).</item>
/// <item><see cref="PutContentAsync"/> is atomic: a reader sees the old content or the new, never a part.</item>
/// <item><see cref="MoveAsync"/> is atomic and replaces the destination.</item>
/// <item>A writer's bytes become readable through <see cref="ReaderAsync"/> and <see cref="StatAsync"/> at the
/// path as they are written (this is how an upload session is resumed by another replica); they are durable
/// after <see cref="IStorageWriter.CommitAsync"/> or after the writer is disposed without cancelling. Data only
/// reaches a client-visible path by <see cref="MoveAsync"/> or <see cref="PutContentAsync"/>, so a crash never
/// leaves a visible partial blob.</item>
/// <item>At most one writer is open on a path at a time, across every process sharing the storage:
/// <see cref="WriterAsync"/> on a path that already has an open writer throws
/// <see cref="StorageWriterBusyException"/> at once, without waiting. A writer holds its path from
/// <see cref="WriterAsync"/> until it is committed, cancelled or disposed, and a process that dies releases its
/// writers' paths. Readers (<see cref="ReaderAsync"/>, <see cref="GetContentAsync"/>, <see cref="StatAsync"/>) are
/// never blocked by a writer. The writer belongs to the file it opened: once that file is moved or deleted, the
/// path is free for a new writer (of a new file), and the old writer can still be disposed.</item>
/// <item><see cref="ListAsync"/> returns the direct children of a directory, ordinally sorted, as full paths.</item>
/// <item><see cref="DeleteAsync"/> removes a file or a whole directory tree.</item>
/// <item>Directories are implied by the files under them: a directory exists while something is under it, and
/// disappears (from <see cref="StatAsync"/> and <see cref="ListAsync"/>) once its last file is deleted, moved away
/// or cancelled. "/" always exists.</item>
/// <item>Files are read through <see cref="GetContentAsync"/>, <see cref="ReaderAsync"/> and
/// <see cref="MoveAsync"/>'s source; naming a directory there (or a path below a file) is "not found", and so is
/// listing a path that is not a directory.</item>
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
    /// Opens a read-only stream of at most <paramref name="length"/> bytes from <paramref name="offset"/>, for a
    /// driver that can fetch less when it knows where the read ends (a Range request). The default reads from
    /// <see cref="ReaderAsync(string, long, CancellationToken)"/>, and the caller stops after its bytes.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The offset is negative or beyond the end.</exception>
    ValueTask<Stream> ReaderAsync(string path, long offset, long length, CancellationToken cancellationToken) =>
        ReaderAsync(path, offset, cancellationToken);

    /// <summary>
    /// How many bytes a caller streaming a file out should ask a reader for at a time. A driver that stores files in
    /// pieces says the size of a piece, so that a buffer that large takes a whole piece straight from the store.
    /// </summary>
    int PreferredReadSize => 256 << 10;

    /// <summary>
    /// Opens a writer, creating the file and its parent directories. With <paramref name="append"/> the writer
    /// continues after the bytes already written at the path (its <see cref="IStorageWriter.Size"/> starts there;
    /// a missing path counts as empty); otherwise it starts empty, discarding what was there.
    /// </summary>
    /// <exception cref="StorageWriterBusyException">
    /// Another writer, of this or any other process sharing the storage, is open on the path; nothing was changed.
    /// </exception>
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
