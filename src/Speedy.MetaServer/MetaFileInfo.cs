namespace Speedy.MetaServer;

/// <summary>What <see cref="IMetaStore.StatAsync"/> knows about a path.</summary>
/// <param name="Size">The file's size in bytes; 0 for a directory.</param>
/// <param name="ModifiedAt">
/// When the file's content was last written (a move keeps it, as a rename does); for a directory, when it was
/// created. Microsecond precision.
/// </param>
/// <param name="IsDirectory">Whether the path is a directory (implied by the files under it).</param>
public readonly record struct MetaFileInfo(long Size, DateTimeOffset ModifiedAt, bool IsDirectory);
