namespace Speedy.MetaServer;

/// <summary>
/// The SQL of <see cref="PostgresMetaStore"/>: the same schema and queries as <see cref="SqliteSql"/>, in
/// PostgreSQL's dialect. Text columns are <c>COLLATE "C"</c> so that ordering and the B-tree ranges are byte order
/// whatever the database's locale (a locale collation would order "/a/b-c" and "/a/b/x" differently and break the
/// subtree ranges).
/// </summary>
internal static class PostgresSql
{
    /// <summary>The schema version this code writes, kept in <c>meta_schema</c>.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Serializes schema creation between meta servers starting together (an arbitrary constant key).</summary>
    public const string LockSchema = "SELECT pg_advisory_xact_lock(7160357035577357130)";

    public const string CreateSchemaTable = "CREATE TABLE IF NOT EXISTS meta_schema (version integer NOT NULL)";

    public const string SelectSchemaVersion = "SELECT max(version) FROM meta_schema";

    public const string InsertSchemaVersion = "INSERT INTO meta_schema (version) VALUES ($1)";

    public const string CreateSchema = """
        CREATE TABLE IF NOT EXISTS meta_nodes (
            id       bigint   GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            parent   text     COLLATE "C" NOT NULL,
            name     text     COLLATE "C" NOT NULL,
            kind     smallint NOT NULL,
            size     bigint   NOT NULL,
            modified bigint   NOT NULL,
            content  bytea,
            CONSTRAINT meta_nodes_children UNIQUE (parent, name)
        );
        CREATE TABLE IF NOT EXISTS meta_fragments (
            node        bigint  NOT NULL,
            ordinal     integer NOT NULL,
            byte_offset bigint  NOT NULL,
            byte_length integer NOT NULL,
            file_id     text    NOT NULL,
            crc32c      bigint  NOT NULL,
            PRIMARY KEY (node, ordinal)
        );
        """;

    public const string SelectNode = "SELECT id, kind FROM meta_nodes WHERE parent = $1 AND name = $2";

    /// <summary>
    /// Creates the missing directories $1/$2 (parents and names, outermost first) in one round trip, and returns the
    /// outermost of them that is a file, if any (the caller then rolls back). The final SELECT sees the rows as they
    /// were before the statement, which is all it needs: the rows the statement creates are directories.
    /// </summary>
    public const string EnsureDirectories = """
        WITH wanted AS (
            SELECT w.parent, w.name, w.depth
            FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS w(parent, name, depth)
        ), created AS (
            INSERT INTO meta_nodes (parent, name, kind, size, modified)
            SELECT parent, name, 0, 0, $3 FROM wanted ORDER BY depth
            ON CONFLICT (parent, name) DO NOTHING
        )
        SELECT w.parent, w.name
        FROM wanted AS w JOIN meta_nodes AS n ON n.parent = w.parent AND n.name = w.name
        WHERE n.kind <> 0
        ORDER BY w.depth
        LIMIT 1
        """;

    /// <summary>Creates or replaces a file; returns no row when a directory is there.</summary>
    public const string UpsertFile = """
        INSERT INTO meta_nodes (parent, name, kind, size, modified, content) VALUES ($1, $2, $3, $4, $5, $6)
        ON CONFLICT (parent, name) DO UPDATE
        SET kind = excluded.kind, size = excluded.size, modified = excluded.modified, content = excluded.content
        WHERE meta_nodes.kind <> 0
        RETURNING id
        """;

    /// <summary>Creates an upload's file or grows it; returns no row unless a fragmented file is (or now is) there.</summary>
    public const string UpsertUpload = """
        INSERT INTO meta_nodes (parent, name, kind, size, modified) VALUES ($1, $2, 2, $3, $4)
        ON CONFLICT (parent, name) DO UPDATE
        SET size = GREATEST(meta_nodes.size, excluded.size), modified = excluded.modified
        WHERE meta_nodes.kind = 2
        RETURNING id, size
        """;

    /// <summary>Inserts a file's fragments from parallel arrays, in one round trip.</summary>
    public const string InsertFragments = """
        INSERT INTO meta_fragments (node, ordinal, byte_offset, byte_length, file_id, crc32c)
        SELECT $1, f.ordinal, f.byte_offset, f.byte_length, f.file_id, f.crc32c
        FROM unnest($2::integer[], $3::bigint[], $4::integer[], $5::text[], $6::bigint[])
            AS f(ordinal, byte_offset, byte_length, file_id, crc32c)
        """;

    public const string UpsertFragments = InsertFragments + """

        ON CONFLICT (node, ordinal) DO UPDATE
        SET byte_offset = excluded.byte_offset, byte_length = excluded.byte_length,
            file_id = excluded.file_id, crc32c = excluded.crc32c
        """;

    public const string DeleteFragmentsOfNode = "DELETE FROM meta_fragments WHERE node = $1";

    public const string DeleteNode = "DELETE FROM meta_nodes WHERE id = $1";

    public const string RenameNode = "UPDATE meta_nodes SET parent = $1, name = $2 WHERE id = $3";

    /// <summary>Removes a directory row if nothing is left under it (directories are implied by their files).</summary>
    public const string DeleteDirectoryIfEmpty = """
        DELETE FROM meta_nodes
        WHERE parent = $1 AND name = $2 AND kind = 0
          AND NOT EXISTS (SELECT 1 FROM meta_nodes WHERE parent = $3)
        """;

    /// <summary>The rows strictly under directory $1: two index ranges, never a sibling that shares a prefix.</summary>
    private const string UnderDirectory = "parent = $1 OR (parent >= $2 AND parent < $3)";

    public const string DeleteFragmentsUnder =
        "DELETE FROM meta_fragments WHERE node IN (SELECT id FROM meta_nodes WHERE " + UnderDirectory + ")";

    public const string DeleteNodesUnder = "DELETE FROM meta_nodes WHERE " + UnderDirectory;

    public const string DeleteAllFragments = "DELETE FROM meta_fragments";

    public const string DeleteAllNodes = "DELETE FROM meta_nodes";

    /// <summary>A file's entry with its fragments in index order, in one statement (so one snapshot).</summary>
    public const string SelectEntry = """
        SELECT n.kind, n.size, n.content, f.ordinal, f.byte_offset, f.byte_length, f.file_id, f.crc32c
        FROM meta_nodes AS n LEFT JOIN meta_fragments AS f ON f.node = n.id
        WHERE n.parent = $1 AND n.name = $2
        ORDER BY f.ordinal
        """;

    public const string SelectStat = "SELECT kind, size, modified FROM meta_nodes WHERE parent = $1 AND name = $2";

    /// <summary>One page of a directory's children: an index-only range scan of exactly the page.</summary>
    public const string ListChildren = """
        SELECT name FROM meta_nodes WHERE parent = $1 AND name > $2 ORDER BY name LIMIT $3
        """;

    public const string DumpNodes = "SELECT id, parent, name, kind, size, content IS NOT NULL FROM meta_nodes";

    public const string DumpFragments = "SELECT node, ordinal, byte_offset, byte_length FROM meta_fragments";
}
