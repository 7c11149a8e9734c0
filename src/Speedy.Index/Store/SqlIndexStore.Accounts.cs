using System.Data.Common;
using System.Text;

namespace Speedy.Index.Store;

/// <summary>Users and robots: creation, lookup, flags, and the counting of failed sign-ins.</summary>
public abstract partial class SqlIndexStore
{
    public Task<bool> HasAccountsAsync(CancellationToken cancellationToken) =>
        ReadAsync(async session => await session.ScalarAsync("SELECT 1 FROM accounts LIMIT 1") is not null, cancellationToken);

    public Task<Account> CreateUserAsync(string name, string passwordHash, bool isAdmin, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        var now = Now();
        return WriteUniqueAsync(
            async session =>
            {
                if (await session.ScalarAsync("SELECT id FROM namespaces WHERE name = @name", ("@name", name)) is not null)
                {
                    throw new IndexConflictException($"the name \"{name}\" is taken");
                }

                var id = (await session.ScalarAsync(
                    """
                    INSERT INTO accounts (name, kind, secret_hash, is_admin, is_disabled, failed_logins, created, description)
                    VALUES (@name, 0, @hash, @admin, 0, 0, @now, '') RETURNING id
                    """,
                    ("@name", name), ("@hash", passwordHash), ("@admin", isAdmin ? 1L : 0L), ("@now", now)))!.Value; // RETURNING yields the row.
                var namespaceId = (await session.ScalarAsync(
                    "INSERT INTO namespaces (name, kind, description, created) VALUES (@name, 0, '', @now) RETURNING id",
                    ("@name", name), ("@now", now)))!.Value; // RETURNING yields the row.
                await session.ExecuteAsync(
                    "INSERT INTO members (namespace_id, account_id, role) VALUES (@ns, @account, @role)",
                    ("@ns", namespaceId), ("@account", id), ("@role", (long)NamespaceRole.Owner));
                return new Account
                {
                    Id = id,
                    Name = name,
                    Kind = AccountKind.User,
                    SecretHash = passwordHash,
                    IsAdmin = isAdmin,
                    Created = StoredTime.To(now),
                };
            },
            $"the name \"{name}\" is taken",
            cancellationToken);
    }

    public Task<Account?> GetAccountAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ReadAsync(
            session => ReadAccountAsync(session, $"SELECT {AccountColumns} FROM accounts WHERE name = @key", name),
            cancellationToken);
    }

    public Task<Account?> GetAccountAsync(long id, CancellationToken cancellationToken) =>
        ReadAsync(session => ReadAccountAsync(session, $"SELECT {AccountColumns} FROM accounts WHERE id = @key", id), cancellationToken);

    public Task<PagedList<Account>> ListAccountsAsync(AccountQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckPage(query.Offset, query.Limit);
        var where = new StringBuilder(" WHERE 1 = 1");
        var parameters = new List<(string Name, object? Value)>();
        if (query.Kind is { } kind)
        {
            where.Append(" AND kind = @kind");
            parameters.Add(("@kind", (long)kind));
        }

        if (query.Namespace is { } ns)
        {
            where.Append(" AND namespace = @ns");
            parameters.Add(("@ns", ns));
        }

        AppendSearch(where, parameters, query.Search, "name");
        return ReadAsync(
            async session =>
            {
                var total = (await session.ScalarAsync("SELECT count(*) FROM accounts" + where, [.. parameters])) ?? 0;
                var accounts = await session.QueryAsync(
                    $"SELECT {AccountColumns} FROM accounts{where} ORDER BY name LIMIT @limit OFFSET @offset",
                    ReadAccount,
                    [.. parameters, ("@limit", (long)query.Limit), ("@offset", (long)query.Offset)]);
                return new PagedList<Account>(await WithRightsAsync(session, accounts), total);
            },
            cancellationToken);
    }

    public Task<bool> SetPasswordHashAsync(long accountId, string passwordHash, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(passwordHash);
        return WriteAsync(
            async session => await session.ExecuteAsync(
                """
                UPDATE accounts SET secret_hash = @hash, failed_logins = 0, failure_window_start = NULL, locked_until = NULL
                WHERE id = @id AND kind = 0
                """,
                ("@hash", passwordHash), ("@id", accountId)) == 1,
            cancellationToken);
    }

    public Task<bool> SetAdminAsync(long accountId, bool isAdmin, CancellationToken cancellationToken) =>
        WriteAsync(
            async session => await session.ExecuteAsync(
                "UPDATE accounts SET is_admin = @value WHERE id = @id AND kind = 0",
                ("@value", isAdmin ? 1L : 0L), ("@id", accountId)) == 1,
            cancellationToken);

    public Task<bool> SetDisabledAsync(long accountId, bool isDisabled, CancellationToken cancellationToken) =>
        WriteAsync(
            async session => await session.ExecuteAsync(
                "UPDATE accounts SET is_disabled = @value WHERE id = @id",
                ("@value", isDisabled ? 1L : 0L), ("@id", accountId)) == 1,
            cancellationToken);

    public Task<LoginFailure> RecordLoginFailureAsync(long accountId, LockoutPolicy policy, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(policy);
        var now = _timeProvider.GetUtcNow();
        return WriteAsync(
            async session =>
            {
                // Both CASEs read the row as it was: the count restarts when the window that started at the first
                // failure has passed.
                var failures = await session.ScalarAsync(
                    """
                    UPDATE accounts SET
                        failed_logins = CASE WHEN failure_window_start IS NULL OR failure_window_start <= @windowStart
                                             THEN 1 ELSE failed_logins + 1 END,
                        failure_window_start = CASE WHEN failure_window_start IS NULL OR failure_window_start <= @windowStart
                                                    THEN @now ELSE failure_window_start END
                    WHERE id = @id
                    RETURNING failed_logins
                    """,
                    ("@windowStart", StoredTime.From(now - policy.Window)), ("@now", StoredTime.From(now)), ("@id", accountId));
                if (failures is not { } count)
                {
                    return new LoginFailure(0, null);
                }

                if (count < policy.MaxFailures)
                {
                    return new LoginFailure((int)count, null);
                }

                // Locked: the count starts afresh for when the lock ends.
                var until = now + policy.Duration;
                await session.ExecuteAsync(
                    "UPDATE accounts SET locked_until = @until, failed_logins = 0, failure_window_start = NULL WHERE id = @id",
                    ("@until", StoredTime.From(until)), ("@id", accountId));
                return new LoginFailure((int)count, until);
            },
            cancellationToken);
    }

    public Task RecordLoginSuccessAsync(long accountId, CancellationToken cancellationToken) =>
        WriteAsync(
            session => session.ExecuteAsync(
                """
                UPDATE accounts SET failed_logins = 0, failure_window_start = NULL, locked_until = NULL, last_login = @now
                WHERE id = @id
                """,
                ("@now", Now()), ("@id", accountId)),
            cancellationToken);

    public Task<Account?> CreateRobotAsync(RobotSpec spec, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var name = IndexNames.Robot(spec.Namespace, spec.Name);
        var now = Now();
        return WriteUniqueAsync(
            async session =>
            {
                if (await session.ScalarAsync("SELECT id FROM namespaces WHERE name = @ns", ("@ns", spec.Namespace)) is null)
                {
                    return null;
                }

                var id = (await session.ScalarAsync(
                    """
                    INSERT INTO accounts (name, kind, secret_hash, is_admin, is_disabled, failed_logins, created, namespace, expires_at, description)
                    VALUES (@name, 1, @hash, 0, 0, 0, @now, @ns, @expires, @description) RETURNING id
                    """,
                    ("@name", name), ("@hash", spec.SecretHash), ("@now", now), ("@ns", spec.Namespace),
                    ("@expires", StoredTime.FromOrNull(spec.ExpiresAt)), ("@description", spec.Description)))!.Value; // RETURNING yields the row.
                await InsertRightsAsync(session, id, spec.Rights);
                return new Account
                {
                    Id = id,
                    Name = name,
                    Kind = AccountKind.Robot,
                    SecretHash = spec.SecretHash,
                    Created = StoredTime.To(now),
                    Namespace = spec.Namespace,
                    ExpiresAt = spec.ExpiresAt,
                    Description = spec.Description,
                    Rights = [.. spec.Rights],
                };
            },
            $"the robot account \"{name}\" exists",
            cancellationToken);
    }

    public Task<bool> SetRobotRightsAsync(long robotId, IReadOnlyList<RobotRight> rights, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(rights);
        return WriteAsync(
            async session =>
            {
                if (await session.ScalarAsync("SELECT id FROM accounts WHERE id = @id AND kind = 1", ("@id", robotId)) is null)
                {
                    return false;
                }

                await session.ExecuteAsync("DELETE FROM robot_rights WHERE account_id = @id", ("@id", robotId));
                await InsertRightsAsync(session, robotId, rights);
                return true;
            },
            cancellationToken);
    }

    public Task<bool> DeleteRobotAsync(long robotId, CancellationToken cancellationToken) =>
        WriteAsync(
            async session =>
            {
                await session.ExecuteAsync("DELETE FROM robot_rights WHERE account_id = @id", ("@id", robotId));
                return await session.ExecuteAsync("DELETE FROM accounts WHERE id = @id AND kind = 1", ("@id", robotId)) == 1;
            },
            cancellationToken);

    private static async Task InsertRightsAsync(SqlSession session, long robotId, IReadOnlyList<RobotRight> rights)
    {
        // One row per repository: the same repository named twice gets the union of its actions.
        var merged = new SortedDictionary<string, SortedSet<string>>(StringComparer.Ordinal);
        foreach (var right in rights)
        {
            if (!merged.TryGetValue(right.Repository, out var actions))
            {
                merged[right.Repository] = actions = new SortedSet<string>(StringComparer.Ordinal);
            }

            actions.UnionWith(right.Actions);
        }

        foreach (var (repository, actions) in merged)
        {
            await session.ExecuteAsync(
                "INSERT INTO robot_rights (account_id, repository, actions) VALUES (@id, @repository, @actions)",
                ("@id", robotId), ("@repository", repository), ("@actions", JoinList([.. actions])));
        }
    }

    private static async Task<Account?> ReadAccountAsync(SqlSession session, string sql, object key)
    {
        var account = await session.FirstAsync(sql, ReadAccount, ("@key", key));
        return account is null ? null : (await WithRightsAsync(session, [account]))[0];
    }

    /// <summary>The accounts with their robot rights filled in, read in one query.</summary>
    private static async Task<IReadOnlyList<Account>> WithRightsAsync(SqlSession session, List<Account> accounts)
    {
        var robots = accounts.Where(account => account.IsRobot).Select(account => account.Id).ToList();
        if (robots.Count == 0)
        {
            return accounts;
        }

        var sql = new StringBuilder("SELECT account_id, repository, actions FROM robot_rights WHERE account_id IN (");
        var parameters = new (string Name, object? Value)[robots.Count];
        for (var i = 0; i < robots.Count; i++)
        {
            parameters[i] = ($"@r{i}", robots[i]);
            sql.Append(i == 0 ? string.Empty : ", ").Append(parameters[i].Name);
        }

        sql.Append(") ORDER BY account_id, repository");
        var rows = await session.QueryAsync(
            sql.ToString(),
            reader => (Id: reader.GetInt64(0), Right: new RobotRight(reader.GetString(1), SplitList(reader.GetString(2)))),
            parameters);
        var byAccount = rows.ToLookup(row => row.Id, row => row.Right);
        return [.. accounts.Select(account => account.IsRobot ? account with { Rights = [.. byAccount[account.Id]] } : account)];
    }

    private static Account ReadAccount(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Name = reader.GetString(1),
        Kind = (AccountKind)reader.GetInt64(2),
        SecretHash = reader.GetString(3),
        IsAdmin = reader.GetInt64(4) != 0,
        IsDisabled = reader.GetInt64(5) != 0,
        FailedLogins = (int)reader.GetInt64(6),
        LockedUntil = TimeOrNull(reader, 7),
        Created = StoredTime.To(reader.GetInt64(8)),
        LastLogin = TimeOrNull(reader, 9),
        Namespace = StringOrNull(reader, 10),
        ExpiresAt = TimeOrNull(reader, 11),
        Description = reader.GetString(12),
    };
}
