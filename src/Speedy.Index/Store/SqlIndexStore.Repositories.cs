using System.Data.Common;
using System.Text;

namespace Speedy.Index.Store;

/// <summary>Repositories, their counters and stars.</summary>
public abstract partial class SqlIndexStore
{
    public Task<Repository?> GetRepositoryAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ReadAsync(
            session => session.FirstAsync($"SELECT {RepositoryColumns} FROM repositories WHERE name = @name", ReadRepository, ("@name", name)),
            cancellationToken);
    }

    public Task<Repository> CreateRepositoryAsync(string name, bool isPublic, string description, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(description);
        var now = Now();
        return WriteUniqueAsync(
            async session => (await session.FirstAsync(
                $"""
                INSERT INTO repositories (name, namespace, is_public, description, created, pull_count, star_count)
                VALUES (@name, @ns, @public, @description, @now, 0, 0) RETURNING {RepositoryColumns}
                """,
                ReadRepository,
                ("@name", name), ("@ns", IndexNames.NamespaceOf(name)), ("@public", isPublic ? 1L : 0L),
                ("@description", description), ("@now", now)))!, // RETURNING yields the row.
            $"the repository \"{name}\" exists",
            cancellationToken);
    }

    public Task<Repository> RecordPushAsync(string name, DateTimeOffset time, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        return WriteAsync(
            async session => (await session.FirstAsync(
                $"""
                INSERT INTO repositories (name, namespace, is_public, description, created, last_push, pull_count, star_count)
                VALUES (@name, @ns, 0, '', @time, @time, 0, 0)
                ON CONFLICT (name) DO UPDATE SET last_push =
                    CASE WHEN repositories.last_push IS NULL OR repositories.last_push < excluded.last_push
                         THEN excluded.last_push ELSE repositories.last_push END
                RETURNING {RepositoryColumns}
                """,
                ReadRepository,
                ("@name", name), ("@ns", IndexNames.NamespaceOf(name)), ("@time", StoredTime.From(time))))!, // Both branches return the row.
            cancellationToken);
    }

    public Task RecordPullsAsync(IReadOnlyList<PullCount> pulls, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(pulls);
        if (pulls.Count == 0)
        {
            return Task.CompletedTask;
        }

        return WriteAsync(
            async session =>
            {
                foreach (var pull in pulls)
                {
                    await session.ExecuteAsync(
                        """
                        UPDATE repositories SET pull_count = pull_count + @count,
                            last_pull = CASE WHEN last_pull IS NULL OR last_pull < @time THEN @time ELSE last_pull END
                        WHERE name = @name
                        """,
                        ("@count", pull.Count), ("@time", StoredTime.From(pull.LastPull)), ("@name", pull.Repository));
                }

                return true;
            },
            cancellationToken);
    }

    public Task<bool> SetRepositoryVisibilityAsync(string name, bool isPublic, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return WriteAsync(
            async session => await session.ExecuteAsync(
                "UPDATE repositories SET is_public = @public WHERE name = @name",
                ("@public", isPublic ? 1L : 0L), ("@name", name)) == 1,
            cancellationToken);
    }

    public Task<bool> SetRepositoryDescriptionAsync(string name, string description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(description);
        return WriteAsync(
            async session => await session.ExecuteAsync(
                "UPDATE repositories SET description = @description WHERE name = @name",
                ("@description", description), ("@name", name)) == 1,
            cancellationToken);
    }

    public Task<bool> DeleteRepositoryAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return WriteAsync(
            async session =>
            {
                await session.ExecuteAsync(
                    "DELETE FROM stars WHERE repository_id IN (SELECT id FROM repositories WHERE name = @name)", ("@name", name));
                return await session.ExecuteAsync("DELETE FROM repositories WHERE name = @name", ("@name", name)) == 1;
            },
            cancellationToken);
    }

    public Task<PagedList<Repository>> SearchRepositoriesAsync(RepositoryQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckPage(query.Offset, query.Limit);
        var where = new StringBuilder(" WHERE 1 = 1");
        var parameters = new List<(string Name, object? Value)>();
        if (query.Namespace is { } ns)
        {
            where.Append(" AND r.namespace = @ns");
            parameters.Add(("@ns", ns));
        }

        if (query.StarredBy is { } starredBy)
        {
            where.Append(" AND EXISTS (SELECT 1 FROM stars AS s WHERE s.repository_id = r.id AND s.account_id = @starredBy)");
            parameters.Add(("@starredBy", starredBy));
        }

        if (!query.ViewerIsAdmin)
        {
            where.Append(" AND (r.is_public = 1");
            if (query.ViewerId is { } viewer)
            {
                where.Append(
                    " OR EXISTS (SELECT 1 FROM members AS m JOIN namespaces AS n ON n.id = m.namespace_id WHERE n.name = r.namespace AND m.account_id = @viewer)");
                parameters.Add(("@viewer", viewer));
            }

            where.Append(')');
        }

        AppendSearch(where, parameters, query.Search, "r.name", "r.description");
        var order = query.Sort switch
        {
            RepositorySort.Stars => "r.star_count DESC, r.name",
            RepositorySort.Pulls => "r.pull_count DESC, r.name",
            RepositorySort.LastPush => "r.last_push DESC NULLS LAST, r.name",
            _ => "r.name",
        };
        return ReadAsync(
            async session =>
            {
                var total = (await session.ScalarAsync("SELECT count(*) FROM repositories AS r" + where, [.. parameters])) ?? 0;
                var items = await session.QueryAsync(
                    $"SELECT {Prefixed("r.", RepositoryColumns)} FROM repositories AS r{where} ORDER BY {order} LIMIT @limit OFFSET @offset",
                    ReadRepository,
                    [.. parameters, ("@limit", (long)query.Limit), ("@offset", (long)query.Offset)]);
                return new PagedList<Repository>(items, total);
            },
            cancellationToken);
    }

    public Task<bool> StarAsync(long accountId, string repository, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        var now = Now();
        return WriteAsync(
            async session =>
            {
                if (await session.ScalarAsync("SELECT id FROM repositories WHERE name = @name", ("@name", repository)) is not { } id ||
                    await session.ScalarAsync("SELECT id FROM accounts WHERE id = @id", ("@id", accountId)) is null)
                {
                    return false;
                }

                if (await session.ExecuteAsync(
                        """
                        INSERT INTO stars (account_id, repository_id, created) VALUES (@account, @repository, @now)
                        ON CONFLICT (account_id, repository_id) DO NOTHING
                        """,
                        ("@account", accountId), ("@repository", id), ("@now", now)) == 0)
                {
                    return false;
                }

                await session.ExecuteAsync("UPDATE repositories SET star_count = star_count + 1 WHERE id = @id", ("@id", id));
                return true;
            },
            cancellationToken);
    }

    public Task<bool> UnstarAsync(long accountId, string repository, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return WriteAsync(
            async session =>
            {
                if (await session.ScalarAsync("SELECT id FROM repositories WHERE name = @name", ("@name", repository)) is not { } id ||
                    await session.ExecuteAsync(
                        "DELETE FROM stars WHERE account_id = @account AND repository_id = @repository",
                        ("@account", accountId), ("@repository", id)) == 0)
                {
                    return false;
                }

                await session.ExecuteAsync("UPDATE repositories SET star_count = star_count - 1 WHERE id = @id", ("@id", id));
                return true;
            },
            cancellationToken);
    }

    public Task<bool> IsStarredAsync(long accountId, string repository, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(repository);
        return ReadAsync(
            async session => await session.ScalarAsync(
                "SELECT 1 FROM stars AS s JOIN repositories AS r ON r.id = s.repository_id WHERE s.account_id = @account AND r.name = @name",
                ("@account", accountId), ("@name", repository)) is not null,
            cancellationToken);
    }

    private static string Prefixed(string prefix, string columns) =>
        string.Join(", ", columns.Split(", ").Select(column => prefix + column));

    private static Repository ReadRepository(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Name = reader.GetString(1),
        Namespace = reader.GetString(2),
        IsPublic = reader.GetInt64(3) != 0,
        Description = reader.GetString(4),
        Created = StoredTime.To(reader.GetInt64(5)),
        LastPush = TimeOrNull(reader, 6),
        LastPull = TimeOrNull(reader, 7),
        PullCount = reader.GetInt64(8),
        StarCount = reader.GetInt64(9),
    };
}
