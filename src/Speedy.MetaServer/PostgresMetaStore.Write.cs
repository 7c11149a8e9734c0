using Npgsql;
using NpgsqlTypes;

namespace Speedy.MetaServer;

/// <summary>The writes: each one SERIALIZABLE transaction, retried on serialization failures.</summary>
public sealed partial class PostgresMetaStore
{
    public async ValueTask PutAsync(string path, MetaEntry entry, CancellationToken cancellationToken)
    {
        MetaPath.ValidateFile(path, nameof(path));
        ArgumentNullException.ThrowIfNull(entry);
        await RunSerializableAsync(
            (Path: path, Entry: entry, Modified: Now()),
            static (connection, state, token) => PutCoreAsync(connection, state.Path, state.Entry, state.Modified, token),
            cancellationToken);
    }

    public async ValueTask<long> AppendFragmentsAsync(
        string path, IReadOnlyList<MetaFragment> fragments, CancellationToken cancellationToken)
    {
        var end = MetaStoreArguments.ValidateAppend(path, fragments);
        return await RunSerializableAsync(
            (Path: path, Fragments: fragments, End: end, Modified: Now()),
            static (connection, state, token) =>
                AppendCoreAsync(connection, state.Path, state.Fragments, state.End, state.Modified, token),
            cancellationToken);
    }

    public async ValueTask<bool> MoveAsync(string sourcePath, string destinationPath, CancellationToken cancellationToken)
    {
        MetaPath.ValidateFile(sourcePath, nameof(sourcePath));
        MetaPath.ValidateFile(destinationPath, nameof(destinationPath));
        return await RunSerializableAsync(
            (Source: sourcePath, Destination: destinationPath, Modified: Now()),
            static (connection, state, token) =>
                MoveCoreAsync(connection, state.Source, state.Destination, state.Modified, token),
            cancellationToken);
    }

    public async ValueTask<bool> DeleteAsync(string path, CancellationToken cancellationToken)
    {
        MetaPath.Validate(path, nameof(path));
        return await RunSerializableAsync(
            path, static (connection, state, token) => DeleteCoreAsync(connection, state, token), cancellationToken);
    }

    private static async Task<bool> PutCoreAsync(
        NpgsqlConnection connection, string path, MetaEntry entry, long modified, CancellationToken cancellationToken)
    {
        await EnsureDirectoriesAsync(connection, path, modified, cancellationToken);
        var (parent, name) = MetaPath.Split(path);
        await using var upsert = new NpgsqlCommand(PostgresSql.UpsertFile, connection)
        {
            Parameters =
            {
                Parameter(parent),
                Parameter(name),
                Parameter((short)(entry.IsInline ? NodeKind.Inline : NodeKind.Fragmented)),
                Parameter(entry.Size),
                Parameter(modified),
                new NpgsqlParameter<byte[]?> { TypedValue = entry.InlineContent, NpgsqlDbType = NpgsqlDbType.Bytea },
            },
        };
        var id = await upsert.ExecuteScalarAsync(cancellationToken) as long?
            ?? throw new MetaPathConflictException($"cannot write the file \"{path}\": it is a directory");

        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands = { new NpgsqlBatchCommand(PostgresSql.DeleteFragmentsOfNode) { Parameters = { Parameter(id) } } },
        };
        if (entry.Fragments.Count > 0)
        {
            batch.BatchCommands.Add(FragmentsCommand(PostgresSql.InsertFragments, id, entry.Fragments));
        }

        await batch.ExecuteNonQueryAsync(cancellationToken);
        return true;
    }

    private static async Task<long> AppendCoreAsync(
        NpgsqlConnection connection,
        string path,
        IReadOnlyList<MetaFragment> fragments,
        long end,
        long modified,
        CancellationToken cancellationToken)
    {
        await EnsureDirectoriesAsync(connection, path, modified, cancellationToken);
        var (parent, name) = MetaPath.Split(path);
        long id;
        long size;
        await using (var upsert = new NpgsqlCommand(PostgresSql.UpsertUpload, connection)
        {
            Parameters = { Parameter(parent), Parameter(name), Parameter(end), Parameter(modified) },
        })
        {
            await using var reader = await upsert.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                throw new MetaPathConflictException(
                    $"cannot append fragments to \"{path}\": it is a directory or an inline file");
            }

            id = reader.GetInt64(0);
            size = reader.GetInt64(1);
        }

        if (fragments.Count > 0)
        {
            await using var batch = new NpgsqlBatch(connection)
            {
                BatchCommands = { FragmentsCommand(PostgresSql.UpsertFragments, id, fragments) },
            };
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        return size;
    }

    private static async Task<bool> MoveCoreAsync(
        NpgsqlConnection connection,
        string sourcePath,
        string destinationPath,
        long modified,
        CancellationToken cancellationToken)
    {
        var (sourceParent, sourceName) = MetaPath.Split(sourcePath);
        var (destinationParent, destinationName) = MetaPath.Split(destinationPath);
        var source = await SelectNodeAsync(connection, sourceParent, sourceName, cancellationToken);
        if (source is not { Kind: not NodeKind.Directory } file)
        {
            return false;
        }

        if (string.Equals(sourcePath, destinationPath, StringComparison.Ordinal))
        {
            return true;
        }

        var replaced = await SelectNodeAsync(connection, destinationParent, destinationName, cancellationToken);
        if (replaced is { Kind: NodeKind.Directory })
        {
            throw new MetaPathConflictException(
                $"cannot move \"{sourcePath}\" to \"{destinationPath}\": the destination is a directory");
        }

        if (replaced is { } old)
        {
            await DeleteNodeAsync(connection, old.Id, cancellationToken);
        }

        await EnsureDirectoriesAsync(connection, destinationPath, modified, cancellationToken);
        await using (var rename = new NpgsqlCommand(PostgresSql.RenameNode, connection)
        {
            Parameters = { Parameter(destinationParent), Parameter(destinationName), Parameter(file.Id) },
        })
        {
            await rename.ExecuteNonQueryAsync(cancellationToken);
        }

        await PruneAsync(connection, sourceParent, cancellationToken);
        return true;
    }

    private static async Task<bool> DeleteCoreAsync(
        NpgsqlConnection connection, string path, CancellationToken cancellationToken)
    {
        if (path.Length == 1)
        {
            await using var all = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand(PostgresSql.DeleteAllFragments),
                    new NpgsqlBatchCommand(PostgresSql.DeleteAllNodes),
                },
            };
            await all.ExecuteNonQueryAsync(cancellationToken);
            return all.BatchCommands[1].RecordsAffected > 0;
        }

        var (parent, name) = MetaPath.Split(path);
        if (await SelectNodeAsync(connection, parent, name, cancellationToken) is not { } node)
        {
            return false;
        }

        if (node.Kind == NodeKind.Directory)
        {
            var low = MetaPath.DescendantsLow(path);
            var high = MetaPath.DescendantsHigh(path);
            await using var subtree = new NpgsqlBatch(connection)
            {
                BatchCommands =
                {
                    new NpgsqlBatchCommand(PostgresSql.DeleteFragmentsUnder)
                    {
                        Parameters = { Parameter(path), Parameter(low), Parameter(high) },
                    },
                    new NpgsqlBatchCommand(PostgresSql.DeleteNodesUnder)
                    {
                        Parameters = { Parameter(path), Parameter(low), Parameter(high) },
                    },
                },
            };
            await subtree.ExecuteNonQueryAsync(cancellationToken);
        }

        await DeleteNodeAsync(connection, node.Id, cancellationToken);
        await PruneAsync(connection, parent, cancellationToken);
        return true;
    }

    private static async ValueTask<(long Id, NodeKind Kind)?> SelectNodeAsync(
        NpgsqlConnection connection, string parent, string name, CancellationToken cancellationToken)
    {
        await using var select = new NpgsqlCommand(PostgresSql.SelectNode, connection)
        {
            Parameters = { Parameter(parent), Parameter(name) },
        };
        await using var reader = await select.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? (reader.GetInt64(0), (NodeKind)reader.GetInt16(1)) : null;
    }

    /// <summary>
    /// Creates the missing directories above <paramref name="path"/>, refusing a file among them. The common case, a
    /// write into an existing directory, reads only the innermost directory's row: a directory row implies all of its
    /// ancestors, and reading just one key keeps the transaction's serializable read set (and so its conflicts with
    /// unrelated writers) small. Otherwise one statement creates them all.
    /// </summary>
    private static async ValueTask EnsureDirectoriesAsync(
        NpgsqlConnection connection, string path, long modified, CancellationToken cancellationToken)
    {
        var (parents, names) = MetaPath.Ancestors(path);
        if (parents.Length == 0)
        {
            return;
        }

        var innermost = await SelectNodeAsync(connection, parents[^1], names[^1], cancellationToken);
        if (innermost is { Kind: NodeKind.Directory })
        {
            return;
        }

        if (innermost is not null)
        {
            throw new MetaPathConflictException(
                $"cannot write \"{path}\": \"{MetaPath.Join(parents[^1], names[^1])}\" is a file");
        }

        await using var ensure = new NpgsqlCommand(PostgresSql.EnsureDirectories, connection)
        {
            Parameters = { Parameter(parents), Parameter(names), Parameter(modified) },
        };
        await using var reader = await ensure.ExecuteReaderAsync(cancellationToken);
        if (await reader.ReadAsync(cancellationToken))
        {
            throw new MetaPathConflictException(
                $"cannot write \"{path}\": \"{MetaPath.Join(reader.GetString(0), reader.GetString(1))}\" is a file");
        }
    }

    /// <summary>Deletes <paramref name="directory"/> and then each ancestor while it has nothing left under it.</summary>
    private static async ValueTask PruneAsync(
        NpgsqlConnection connection, string directory, CancellationToken cancellationToken)
    {
        var parentParameter = new NpgsqlParameter<string>();
        var nameParameter = new NpgsqlParameter<string>();
        var directoryParameter = new NpgsqlParameter<string>();
        await using var delete = new NpgsqlCommand(PostgresSql.DeleteDirectoryIfEmpty, connection)
        {
            Parameters = { parentParameter, nameParameter, directoryParameter },
        };
        while (directory.Length > 1)
        {
            var (parent, name) = MetaPath.Split(directory);
            parentParameter.TypedValue = parent;
            nameParameter.TypedValue = name;
            directoryParameter.TypedValue = directory;
            if (await delete.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return;
            }

            directory = parent;
        }
    }

    private static async ValueTask DeleteNodeAsync(NpgsqlConnection connection, long id, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection)
        {
            BatchCommands =
            {
                new NpgsqlBatchCommand(PostgresSql.DeleteFragmentsOfNode) { Parameters = { Parameter(id) } },
                new NpgsqlBatchCommand(PostgresSql.DeleteNode) { Parameters = { Parameter(id) } },
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Writes a file's fragments as parallel arrays, one statement whatever their number.</summary>
    private static NpgsqlBatchCommand FragmentsCommand(string sql, long id, IReadOnlyList<MetaFragment> fragments)
    {
        var ordinals = new int[fragments.Count];
        var offsets = new long[fragments.Count];
        var lengths = new int[fragments.Count];
        var fileIds = new string[fragments.Count];
        var crcs = new long[fragments.Count];
        for (var i = 0; i < fragments.Count; i++)
        {
            var fragment = fragments[i];
            ordinals[i] = fragment.Index;
            offsets[i] = fragment.Offset;
            lengths[i] = fragment.Length;
            fileIds[i] = fragment.FileId;
            crcs[i] = fragment.Crc32C;
        }

        return new NpgsqlBatchCommand(sql)
        {
            Parameters =
            {
                Parameter(id), Parameter(ordinals), Parameter(offsets), Parameter(lengths), Parameter(fileIds), Parameter(crcs),
            },
        };
    }

    private static NpgsqlParameter<T> Parameter<T>(T value) => new() { TypedValue = value };
}
