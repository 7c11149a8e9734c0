namespace Speedy.MetaServer;

/// <summary>The limits every <see cref="IMetaStore"/> enforces, the same for every backend.</summary>
public static class MetaLimits
{
    /// <summary>
    /// The largest inline file (links, manifests, upload state). Larger files are stored as fragments on chunk
    /// servers; an inline row this size still fits comfortably in a SQLite page chain or a TOASTed PostgreSQL row.
    /// </summary>
    public const int MaxInlineLength = 1024 * 1024;

    /// <summary>
    /// The longest path in UTF-8 bytes. PostgreSQL refuses B-tree entries above about 2.7 KB, and the
    /// (parent, name) key holds about the whole path; 2 KiB leaves room and is far beyond any registry path.
    /// </summary>
    public const int MaxPathBytes = 2048;

    /// <summary>The longest file id, in ASCII characters (a file id is opaque here, e.g. "3.1,1e22dabc8").</summary>
    public const int MaxFileIdLength = 256;

    /// <summary>The largest page <see cref="IMetaStore.ListAsync"/> returns.</summary>
    public const int MaxListLimit = 10_000;
}
