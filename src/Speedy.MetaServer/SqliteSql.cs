namespace Speedy.MetaServer;

/// <summary>
/// The SQL of <see cref="SqliteMetaStore"/>, in one place so the schema and the queries that depend on its indexes
/// are read together (and the tests can ask SQLite for their plans). See README.md for the design.
/// </summary>
internal static class SqliteSql
{
    /// <summary>The schema version this code writes, kept in <c>PRAGMA user_version</c>.</summary>
    public const int SchemaVersion = 1;

    /// <summary>
    /// Nodes are keyed by (parent, name) through a unique index, which serves point lookups, listing (an index-only
    /// range scan) and subtree ranges. The rowid <c>id</c> names a file's fragments, so a move rewrites one row.
    /// BINARY collation (the default) compares UTF-8 bytes. STRICT keeps the column types honest.
    /// </summary>
    public const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS meta_nodes (
            id       INTEGER PRIMARY KEY,
            parent   TEXT    NOT NULL,
            name     TEXT    NOT NULL,
            kind     INTEGER NOT NULL,
            size     INTEGER NOT NULL,
            modified INTEGER NOT NULL,
            content  BLOB
        ) STRICT;
        CREATE UNIQUE INDEX IF NOT EXISTS meta_nodes_children ON meta_nodes (parent, name);
        CREATE TABLE IF NOT EXISTS meta_fragments (
            node        INTEGER NOT NULL,
            ordinal     INTEGER NOT NULL,
            byte_offset INTEGER NOT NULL,
            byte_length INTEGER NOT NULL,
            file_id     TEXT    NOT NULL,
            crc32c      INTEGER NOT NULL,
            PRIMARY KEY (node, ordinal)
        ) STRICT, WITHOUT ROWID;
        """;

    public const string SelectNode = "SELECT id, kind FROM meta_nodes WHERE parent = $parent AND name = $name";

    public const string InsertDirectory = """
        INSERT INTO meta_nodes (parent, name, kind, size, modified) VALUES ($parent, $name, 0, 0, $modified)
        """;

    /// <summary>Creates or replaces a file; returns no row when a directory is there.</summary>
    public const string UpsertFile = """
        INSERT INTO meta_nodes (parent, name, kind, size, modified, content)
        VALUES ($parent, $name, $kind, $size, $modified, $content)
        ON CONFLICT (parent, name) DO UPDATE
        SET kind = excluded.kind, size = excluded.size, modified = excluded.modified, content = excluded.content
        WHERE meta_nodes.kind <> 0
        RETURNING id
        """;

    /// <summary>Creates an upload's file or grows it; returns no row unless a fragmented file is (or now is) there.</summary>
    public const string UpsertUpload = """
        INSERT INTO meta_nodes (parent, name, kind, size, modified) VALUES ($parent, $name, 2, $size, $modified)
        ON CONFLICT (parent, name) DO UPDATE
        SET size = max(meta_nodes.size, excluded.size), modified = excluded.modified
        WHERE meta_nodes.kind = 2
        RETURNING id, size
        """;

    public const string InsertFragment = """
        INSERT INTO meta_fragments (node, ordinal, byte_offset, byte_length, file_id, crc32c)
        VALUES ($node, $ordinal, $offset, $length, $fileId, $crc)
        """;

    public const string UpsertFragment = InsertFragment + """

        ON CONFLICT (node, ordinal) DO UPDATE
        SET byte_offset = excluded.byte_offset, byte_length = excluded.byte_length,
            file_id = excluded.file_id, crc32c = excluded.crc32c
        """;

    public const string DeleteFragmentsOfNode = "DELETE FROM meta_fragments WHERE node = $id";

    public const string DeleteNode = "DELETE FROM meta_nodes WHERE id = $id";

    public const string RenameNode = "UPDATE meta_nodes SET parent = $parent, name = $name WHERE id = $id";

    /// <summary>Removes a directory row if nothing is left under it (directories are implied by their files).</summary>
    public const string DeleteDirectoryIfEmpty = """
        DELETE FROM meta_nodes
        WHERE parent = $parent AND name = $name AND kind = 0
          AND NOT EXISTS (SELECT 1 FROM meta_nodes WHERE parent = $directory)
        """;

    /// <summary>The rows strictly under a directory: two index ranges, never a sibling that shares a prefix.</summary>
    private const string UnderDirectory = "parent = $directory OR (parent >= $low AND parent < $high)";

    public const string DeleteFragmentsUnder =
        "DELETE FROM meta_fragments WHERE node IN (SELECT id FROM meta_nodes WHERE " + UnderDirectory + ")";

    public const string DeleteNodesUnder = "DELETE FROM meta_nodes WHERE " + UnderDirectory;

    public const string DeleteAllFragments = "DELETE FROM meta_fragments";

    public const string DeleteAllNodes = "DELETE FROM meta_nodes";

    /// <summary>A file's entry with its fragments in index order, in one statement (so one snapshot).</summary>
    public const string SelectEntry = """
        SELECT n.kind, n.size, n.content, f.ordinal, f.byte_offset, f.byte_length, f.file_id, f.crc32c
        FROM meta_nodes AS n LEFT JOIN meta_fragments AS f ON f.node = n.id
        WHERE n.parent = $parent AND n.name = $name
        ORDER BY f.ordinal
        """;

    public const string SelectStat = "SELECT kind, size, modified FROM meta_nodes WHERE parent = $parent AND name = $name";

    /// <summary>One page of a directory's children: an index-only range scan of exactly the page.</summary>
    public const string ListChildren = """
        SELECT name FROM meta_nodes WHERE parent = $directory AND name > $after ORDER BY name LIMIT $limit
        """;

    public const string DumpNodes = "SELECT id, parent, name, kind, size, content IS NOT NULL FROM meta_nodes";

    public const string DumpFragments = "SELECT node, ordinal, byte_offset, byte_length FROM meta_fragments";
}
