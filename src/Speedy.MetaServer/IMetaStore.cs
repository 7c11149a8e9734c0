namespace Speedy.MetaServer;

/// <summary>
/// The meta server's store: the path namespace the registry's <c>speedy</c> storage driver needs, and per file
/// either its inline content or its fragments. Implemented by <see cref="SqliteMetaStore"/> (embedded) and
/// <see cref="PostgresMetaStore"/> (highly available), both held to one conformance suite.
/// </summary>
/// <remarks>
/// Contract every store keeps:
/// <list type="bullet">
/// <item>Paths follow the storage seam's rules (absolute, "/"-separated, no empty, "." or ".." segments), are
/// well-formed UTF-16 and at most <see cref="MetaLimits.MaxPathBytes"/> UTF-8 bytes; anything else is an
/// <see cref="ArgumentException"/>. Methods that name a file refuse "/".</item>
/// <item>Directories are implied by the files under them: a directory exists while something is under it and
/// disappears once its last file is deleted or moved away. "/" always exists.</item>
/// <item>Every write is one transaction: atomic, and durable once acknowledged. A write that would put a file where a
/// directory is, or anything below a file, throws <see cref="MetaPathConflictException"/> and changes nothing.</item>
/// <item>Names are ordered ordinally by their UTF-8 bytes, which is Unicode code point order (the same as
/// <see cref="string.CompareOrdinal(string, string)"/> for every name without characters above U+FFFF).</item>
/// </list>
/// </remarks>
public interface IMetaStore : IAsyncDisposable
{
    /// <summary>Creates or replaces the file at <paramref name="path"/>, creating its parent directories.</summary>
    /// <exception cref="MetaPathConflictException">The path is a directory, or lies below a file.</exception>
    ValueTask PutAsync(string path, MetaEntry entry, CancellationToken cancellationToken);

    /// <summary>The file at <paramref name="path"/>, or <see langword="null"/> if there is none (or it is a directory).</summary>
    ValueTask<MetaEntry?> GetAsync(string path, CancellationToken cancellationToken);

    /// <summary>Describes a file or directory, or returns <see langword="null"/> if the path does not exist.</summary>
    ValueTask<MetaFileInfo?> StatAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// One page of the names of the direct children (files and directories) of <paramref name="directory"/>, in
    /// ordinal order, starting after <paramref name="startAfter"/> (<see langword="null"/>: from the first). A page
    /// shorter than <paramref name="limit"/> is the last. The cost is the page, not the size of the directory or of
    /// anything else: an index range scan over (parent, name). A directory only exists while it is not empty, so an
    /// empty first page means <paramref name="directory"/> is missing or a file, unless it is "/".
    /// </summary>
    /// <param name="directory">The directory to list.</param>
    /// <param name="startAfter">The last name of the previous page: a name, without "/". It need not exist.</param>
    /// <param name="limit">The page size, 1 to <see cref="MetaLimits.MaxListLimit"/>.</param>
    /// <param name="cancellationToken">Cancels the listing.</param>
    ValueTask<IReadOnlyList<string>> ListAsync(
        string directory, string? startAfter, int limit, CancellationToken cancellationToken);

    /// <summary>
    /// Atomically renames the file at <paramref name="sourcePath"/> to <paramref name="destinationPath"/>, replacing a
    /// file there and creating its parent directories. No content or fragment is copied: the file keeps its entry
    /// and its modification time. Moving a file onto itself does nothing.
    /// </summary>
    /// <returns><see langword="false"/> if the source is missing or a directory; nothing was changed.</returns>
    /// <exception cref="MetaPathConflictException">The destination is a directory, or lies below a file.</exception>
    ValueTask<bool> MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken);

    /// <summary>Atomically deletes a file, or a directory and everything under it ("/" empties the store).</summary>
    /// <returns><see langword="false"/> if nothing was there.</returns>
    ValueTask<bool> DeleteAsync(string path, CancellationToken cancellationToken);

    /// <summary>
    /// Records fragments of an upload in progress, creating the file (fragmented, empty) and its parent directories
    /// if it is missing. Fragments may arrive in any order and in several calls; a fragment whose index is already
    /// recorded replaces it (a retried upload). The file's size becomes the largest fragment end recorded so far, if
    /// that grows it. <see cref="GetAsync"/> returns the fragments ordered by index.
    /// </summary>
    /// <returns>The file's size after the call.</returns>
    /// <exception cref="ArgumentException">A fragment is invalid, or two share an index.</exception>
    /// <exception cref="MetaPathConflictException">The path is a directory or an inline file, or lies below a file.</exception>
    ValueTask<long> AppendFragmentsAsync(
        string path, IReadOnlyList<MetaFragment> fragments, CancellationToken cancellationToken);
}
