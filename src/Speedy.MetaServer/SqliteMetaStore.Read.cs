using Microsoft.Data.Sqlite;

namespace Speedy.MetaServer;

/// <summary>The reads: each one statement (one snapshot) on a pooled read-only connection.</summary>
public sealed partial class SqliteMetaStore
{
    public async ValueTask<MetaEntry?> GetAsync(string path, CancellationToken cancellationToken)
    {
        MetaPath.Validate(path, nameof(path));
        if (path.Length == 1)
        {
            return null;
        }

        var (parent, name) = MetaPath.Split(path);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = SqliteSql.SelectEntry;
        select.Parameters.AddWithValue("$parent", parent);
        select.Parameters.AddWithValue("$name", name);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        switch ((NodeKind)reader.GetInt64(0))
        {
            case NodeKind.Inline:
                return MetaEntry.FromStoredInline(reader.GetFieldValue<byte[]>(2));
            case NodeKind.Fragmented:
                var size = reader.GetInt64(1);
                var fragments = new List<MetaFragment>();
                do
                {
                    if (!reader.IsDBNull(3))
                    {
                        fragments.Add(new MetaFragment(
                            reader.GetInt32(3),
                            reader.GetInt64(4),
                            reader.GetInt32(5),
                            reader.GetString(6),
                            (uint)reader.GetInt64(7)));
                    }
                }
                while (await reader.ReadAsync(cancellationToken));

                return MetaEntry.FromStoredFragments(size, [.. fragments]);
            default:
                return null;
        }
    }

    public async ValueTask<MetaFileInfo?> StatAsync(string path, CancellationToken cancellationToken)
    {
        MetaPath.Validate(path, nameof(path));
        if (path.Length == 1)
        {
            return new MetaFileInfo(0, DateTimeOffset.UnixEpoch, IsDirectory: true);
        }

        var (parent, name) = MetaPath.Split(path);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = SqliteSql.SelectStat;
        select.Parameters.AddWithValue("$parent", parent);
        select.Parameters.AddWithValue("$name", name);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new MetaFileInfo(
            reader.GetInt64(1),
            StoredTime.To(reader.GetInt64(2)),
            IsDirectory: (NodeKind)reader.GetInt64(0) == NodeKind.Directory);
    }

    public async ValueTask<IReadOnlyList<string>> ListAsync(
        string directory, string? startAfter, int limit, CancellationToken cancellationToken)
    {
        MetaStoreArguments.ValidateList(directory, startAfter, limit);
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var select = connection.CreateCommand();
        select.CommandText = SqliteSql.ListChildren;
        select.Parameters.AddWithValue("$directory", directory);
        select.Parameters.AddWithValue("$after", startAfter ?? "");
        select.Parameters.AddWithValue("$limit", limit);
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Every row, in one read transaction, for consistency checks.</summary>
    internal async ValueTask<MetaStoreDump> DumpAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var transaction = connection.BeginTransaction(deferred: true);
        await using var select = connection.CreateCommand();
        select.Transaction = transaction;
        select.CommandText = SqliteSql.DumpNodes;
        var nodes = new List<StoredNode>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                nodes.Add(new StoredNode(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    (NodeKind)reader.GetInt64(3),
                    reader.GetInt64(4),
                    reader.GetBoolean(5)));
            }
        }

        select.CommandText = SqliteSql.DumpFragments;
        var fragments = new List<StoredFragment>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                fragments.Add(new StoredFragment(reader.GetInt64(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetInt32(3)));
            }
        }

        return new MetaStoreDump(nodes, fragments);
    }

    /// <summary>Asks SQLite how it would run <paramref name="sql"/>, for the tests that pin the index plans.</summary>
    internal async ValueTask<string> ExplainAsync(string sql, CancellationToken cancellationToken)
    {
        await using var connection = await OpenReaderAsync(cancellationToken);
        await using var explain = connection.CreateCommand();
        explain.CommandText = "EXPLAIN QUERY PLAN " + sql;
        foreach (var parameter in new[] { "$parent", "$name", "$directory", "$low", "$high", "$after", "$limit", "$id" })
        {
            if (sql.Contains(parameter, StringComparison.Ordinal))
            {
                explain.Parameters.AddWithValue(parameter, parameter == "$limit" || parameter == "$id" ? 1 : "x");
            }
        }

        await using var reader = await explain.ExecuteReaderAsync(cancellationToken);
        var plan = new System.Text.StringBuilder();
        while (await reader.ReadAsync(cancellationToken))
        {
            plan.AppendLine(reader.GetString(3));
        }

        return plan.ToString();
    }
}
