using Microsoft.Data.Sqlite;

namespace Speedy.MetaServer;

/// <summary>The writes: each one IMMEDIATE transaction on the writer connection, under the write lock.</summary>
public sealed partial class SqliteMetaStore
{
    public async ValueTask PutAsync(string path, MetaEntry entry, CancellationToken cancellationToken)
    {
        MetaPath.ValidateFile(path, nameof(path));
        ArgumentNullException.ThrowIfNull(entry);
        var modified = Now();
        var (parent, name) = MetaPath.Split(path);
        await using var scope = await BeginWriteAsync(cancellationToken);
        await EnsureDirectoriesAsync(scope, path, modified, cancellationToken);

        long id;
        await using (var upsert = scope.CreateCommand(SqliteSql.UpsertFile))
        {
            upsert.Parameters.AddWithValue("$parent", parent);
            upsert.Parameters.AddWithValue("$name", name);
            upsert.Parameters.AddWithValue("$kind", (long)(entry.IsInline ? NodeKind.Inline : NodeKind.Fragmented));
            upsert.Parameters.AddWithValue("$size", entry.Size);
            upsert.Parameters.AddWithValue("$modified", modified);
            upsert.Parameters.AddWithValue("$content", (object?)entry.InlineContent ?? DBNull.Value);
            id = await upsert.ExecuteScalarAsync(cancellationToken) as long?
                ?? throw new MetaPathConflictException($"cannot write the file \"{path}\": it is a directory");
        }

        await using (var delete = scope.CreateCommand(SqliteSql.DeleteFragmentsOfNode))
        {
            delete.Parameters.AddWithValue("$id", id);
            await delete.ExecuteNonQueryAsync(cancellationToken);
        }

        await WriteFragmentsAsync(scope, SqliteSql.InsertFragment, id, entry.Fragments, cancellationToken);
        await scope.CommitAsync(cancellationToken);
    }

    public async ValueTask<long> AppendFragmentsAsync(
        string path, IReadOnlyList<MetaFragment> fragments, CancellationToken cancellationToken)
    {
        var end = MetaStoreArguments.ValidateAppend(path, fragments);
        var modified = Now();
        var (parent, name) = MetaPath.Split(path);
        await using var scope = await BeginWriteAsync(cancellationToken);
        await EnsureDirectoriesAsync(scope, path, modified, cancellationToken);

        long id;
        long size;
        await using (var upsert = scope.CreateCommand(SqliteSql.UpsertUpload))
        {
            upsert.Parameters.AddWithValue("$parent", parent);
            upsert.Parameters.AddWithValue("$name", name);
            upsert.Parameters.AddWithValue("$size", end);
            upsert.Parameters.AddWithValue("$modified", modified);
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new MetaPathConflictException(
                    $"cannot append fragments to \"{path}\": it is a directory or an inline file");
            }

            id = reader.GetInt64(0);
            size = reader.GetInt64(1);
        }

        await WriteFragmentsAsync(scope, SqliteSql.UpsertFragment, id, fragments, cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return size;
    }

    public async ValueTask<bool> MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        MetaPath.ValidateFile(sourcePath, nameof(sourcePath));
        MetaPath.ValidateFile(destinationPath, nameof(destinationPath));
        var modified = Now();
        var (sourceParent, sourceName) = MetaPath.Split(sourcePath);
        var (destinationParent, destinationName) = MetaPath.Split(destinationPath);
        await using var scope = await BeginWriteAsync(cancellationToken);

        var source = await SelectNodeAsync(scope, sourceParent, sourceName, cancellationToken);
        if (source is not { Kind: not NodeKind.Directory } file)
        {
            return false;
        }

        if (string.Equals(sourcePath, destinationPath, StringComparison.Ordinal))
        {
            return true;
        }

        var replaced = await SelectNodeAsync(scope, destinationParent, destinationName, cancellationToken);
        if (replaced is { Kind: NodeKind.Directory })
        {
            throw new MetaPathConflictException(
                $"cannot move \"{sourcePath}\" to \"{destinationPath}\": the destination is a directory");
        }

        if (replaced is { } old)
        {
            await DeleteNodeAsync(scope, old.Id, cancellationToken);
        }

        await EnsureDirectoriesAsync(scope, destinationPath, modified, cancellationToken);
        await using (var rename = scope.CreateCommand(SqliteSql.RenameNode))
        {
            rename.Parameters.AddWithValue("$parent", destinationParent);
            rename.Parameters.AddWithValue("$name", destinationName);
            rename.Parameters.AddWithValue("$id", file.Id);
            await rename.ExecuteNonQueryAsync(cancellationToken);
        }

        await PruneAsync(scope, sourceParent, cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return true;
    }

    public async ValueTask<bool> DeleteAsync(string path, CancellationToken cancellationToken)
    {
        MetaPath.Validate(path, nameof(path));
        await using var scope = await BeginWriteAsync(cancellationToken);
        if (path.Length == 1)
        {
            await using var fragments = scope.CreateCommand(SqliteSql.DeleteAllFragments);
            await fragments.ExecuteNonQueryAsync(cancellationToken);
            await using var nodes = scope.CreateCommand(SqliteSql.DeleteAllNodes);
            var deleted = await nodes.ExecuteNonQueryAsync(cancellationToken);
            await scope.CommitAsync(cancellationToken);
            return deleted > 0;
        }

        var (parent, name) = MetaPath.Split(path);
        if (await SelectNodeAsync(scope, parent, name, cancellationToken) is not { } node)
        {
            return false;
        }

        if (node.Kind == NodeKind.Directory)
        {
            await DeleteUnderAsync(scope, SqliteSql.DeleteFragmentsUnder, path, cancellationToken);
            await DeleteUnderAsync(scope, SqliteSql.DeleteNodesUnder, path, cancellationToken);
        }

        await DeleteNodeAsync(scope, node.Id, cancellationToken);
        await PruneAsync(scope, parent, cancellationToken);
        await scope.CommitAsync(cancellationToken);
        return true;
    }

    private static async ValueTask<(long Id, NodeKind Kind)?> SelectNodeAsync(
        SqliteWriteScope scope, string parent, string name, CancellationToken cancellationToken)
    {
        await using var select = scope.CreateCommand(SqliteSql.SelectNode);
        select.Parameters.AddWithValue("$parent", parent);
        select.Parameters.AddWithValue("$name", name);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), (NodeKind)reader.GetInt64(1)) : null;
    }

    /// <summary>
    /// Creates the missing directories above <paramref name="path"/>, refusing a file among them. Walks up from the
    /// innermost one and stops at the first that exists: a directory row implies all of its ancestors, so a write
    /// into an existing directory costs one lookup.
    /// </summary>
    private static async ValueTask EnsureDirectoriesAsync(
        SqliteWriteScope scope, string path, long modified, CancellationToken cancellationToken)
    {
        var (parents, names) = MetaPath.Ancestors(path);
        var firstMissing = parents.Length;
        for (var i = parents.Length - 1; i >= 0; i--)
        {
            var existing = await SelectNodeAsync(scope, parents[i], names[i], cancellationToken);
            if (existing is null)
            {
                firstMissing = i;
                continue;
            }

            if (existing.Value.Kind != NodeKind.Directory)
            {
                throw new MetaPathConflictException(
                    $"cannot write \"{path}\": \"{MetaPath.Join(parents[i], names[i])}\" is a file");
            }

            break;
        }

        if (firstMissing == parents.Length)
        {
            return;
        }

        await using var insert = scope.CreateCommand(SqliteSql.InsertDirectory);
        var parentParameter = insert.Parameters.Add("$parent", SqliteType.Text);
        var nameParameter = insert.Parameters.Add("$name", SqliteType.Text);
        insert.Parameters.AddWithValue("$modified", modified);
        for (var i = firstMissing; i < parents.Length; i++)
        {
            parentParameter.Value = parents[i];
            nameParameter.Value = names[i];
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>Deletes <paramref name="directory"/> and then each ancestor while it has nothing left under it.</summary>
    private static async ValueTask PruneAsync(SqliteWriteScope scope, string directory, CancellationToken cancellationToken)
    {
        await using var delete = scope.CreateCommand(SqliteSql.DeleteDirectoryIfEmpty);
        var parentParameter = delete.Parameters.Add("$parent", SqliteType.Text);
        var nameParameter = delete.Parameters.Add("$name", SqliteType.Text);
        var directoryParameter = delete.Parameters.Add("$directory", SqliteType.Text);
        while (directory.Length > 1)
        {
            var (parent, name) = MetaPath.Split(directory);
            parentParameter.Value = parent;
            nameParameter.Value = name;
            directoryParameter.Value = directory;
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return;
            }

            directory = parent;
        }
    }

    private static async ValueTask DeleteNodeAsync(SqliteWriteScope scope, long id, CancellationToken cancellationToken)
    {
        await using var fragments = scope.CreateCommand(SqliteSql.DeleteFragmentsOfNode);
        fragments.Parameters.AddWithValue("$id", id);
        await fragments.ExecuteNonQueryAsync(cancellationToken);
        await using var node = scope.CreateCommand(SqliteSql.DeleteNode);
        node.Parameters.AddWithValue("$id", id);
        await node.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async ValueTask DeleteUnderAsync(
        SqliteWriteScope scope, string sql, string directory, CancellationToken cancellationToken)
    {
        await using var delete = scope.CreateCommand(sql);
        delete.Parameters.AddWithValue("$directory", directory);
        delete.Parameters.AddWithValue("$low", MetaPath.DescendantsLow(directory));
        delete.Parameters.AddWithValue("$high", MetaPath.DescendantsHigh(directory));
        await delete.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async ValueTask WriteFragmentsAsync(
        SqliteWriteScope scope,
        string sql,
        long id,
        IReadOnlyList<MetaFragment> fragments,
        CancellationToken cancellationToken)
    {
        if (fragments.Count == 0)
        {
            return;
        }

        // One prepared statement, rebound per fragment.
        await using var insert = scope.CreateCommand(sql);
        insert.Parameters.AddWithValue("$node", id);
        var ordinal = insert.Parameters.Add("$ordinal", SqliteType.Integer);
        var offset = insert.Parameters.Add("$offset", SqliteType.Integer);
        var length = insert.Parameters.Add("$length", SqliteType.Integer);
        var fileId = insert.Parameters.Add("$fileId", SqliteType.Text);
        var crc = insert.Parameters.Add("$crc", SqliteType.Integer);
        for (var i = 0; i < fragments.Count; i++)
        {
            var fragment = fragments[i];
            ordinal.Value = fragment.Index;
            offset.Value = fragment.Offset;
            length.Value = fragment.Length;
            fileId.Value = fragment.FileId;
            crc.Value = (long)fragment.Crc32C;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
