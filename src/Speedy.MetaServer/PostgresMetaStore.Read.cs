using System.Data;
using System.Text;
using Npgsql;

namespace Speedy.MetaServer;

/// <summary>The reads: each one statement, so one snapshot, on a pooled connection.</summary>
public sealed partial class PostgresMetaStore
{
    public async ValueTask<MetaEntry?> GetAsync(string path, CancellationToken cancellationToken)
    {
        MetaPath.Validate(path, nameof(path));
        if (path.Length == 1)
        {
            return null;
        }

        var (parent, name) = MetaPath.Split(path);
        await using var select = _dataSource.CreateCommand(PostgresSql.SelectEntry);
        select.Parameters.Add(Parameter(parent));
        select.Parameters.Add(Parameter(name));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        switch ((NodeKind)reader.GetInt16(0))
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
        await using var select = _dataSource.CreateCommand(PostgresSql.SelectStat);
        select.Parameters.Add(Parameter(parent));
        select.Parameters.Add(Parameter(name));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new MetaFileInfo(
            reader.GetInt64(1),
            StoredTime.To(reader.GetInt64(2)),
            IsDirectory: (NodeKind)reader.GetInt16(0) == NodeKind.Directory);
    }

    public async ValueTask<IReadOnlyList<string>> ListAsync(
        string directory, string? startAfter, int limit, CancellationToken cancellationToken)
    {
        MetaStoreArguments.ValidateList(directory, startAfter, limit);
        await using var select = _dataSource.CreateCommand(PostgresSql.ListChildren);
        select.Parameters.Add(Parameter(directory));
        select.Parameters.Add(Parameter(startAfter ?? ""));
        select.Parameters.Add(Parameter(limit));
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        var names = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>Every row, in one REPEATABLE READ snapshot, for consistency checks.</summary>
    internal async ValueTask<MetaStoreDump> DumpAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using var select = new NpgsqlCommand(PostgresSql.DumpNodes, connection);
        var nodes = new List<StoredNode>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                nodes.Add(new StoredNode(
                    reader.GetInt64(0),
                    reader.GetString(1),
                    reader.GetString(2),
                    (NodeKind)reader.GetInt16(3),
                    reader.GetInt64(4),
                    reader.GetBoolean(5)));
            }
        }

        select.CommandText = PostgresSql.DumpFragments;
        var fragments = new List<StoredFragment>();
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                fragments.Add(new StoredFragment(reader.GetInt64(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetInt32(3)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return new MetaStoreDump(nodes, fragments);
    }

    /// <summary>
    /// Asks PostgreSQL how it would run <paramref name="sql"/> with sequential scans disabled (a tiny test table is
    /// cheapest to scan whole, so this shows whether an index can serve the statement at all), for the plan tests.
    /// </summary>
    internal async ValueTask<string> ExplainAsync(string sql, object[] parameters, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var explain = new NpgsqlCommand("SET LOCAL enable_seqscan = off", connection);
        await explain.ExecuteNonQueryAsync(cancellationToken);
        explain.CommandText = "EXPLAIN " + sql;
        foreach (var parameter in parameters)
        {
            explain.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        await using var reader = await explain.ExecuteReaderAsync(cancellationToken);
        var plan = new StringBuilder();
        while (await reader.ReadAsync(cancellationToken))
        {
            plan.AppendLine(reader.GetString(0));
        }

        return plan.ToString();
    }
}
