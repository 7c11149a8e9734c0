using System.Data.Common;
using System.Text;

namespace Speedy.Index.Store;

/// <summary>Namespaces and their members.</summary>
public abstract partial class SqlIndexStore
{
    public Task<NamespaceInfo?> CreateOrganizationAsync(
        string name, long ownerAccountId, string description, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(description);
        var now = Now();
        return WriteUniqueAsync(
            async session =>
            {
                if (await session.ScalarAsync("SELECT id FROM accounts WHERE id = @id AND kind = 0", ("@id", ownerAccountId)) is null)
                {
                    return null;
                }

                if (await session.ScalarAsync("SELECT id FROM namespaces WHERE name = @name", ("@name", name)) is not null)
                {
                    throw new IndexConflictException($"the name \"{name}\" is taken");
                }

                var id = (await session.ScalarAsync(
                    "INSERT INTO namespaces (name, kind, description, created) VALUES (@name, 1, @description, @now) RETURNING id",
                    ("@name", name), ("@description", description), ("@now", now)))!.Value; // RETURNING yields the row.
                await session.ExecuteAsync(
                    "INSERT INTO members (namespace_id, account_id, role) VALUES (@ns, @account, @role)",
                    ("@ns", id), ("@account", ownerAccountId), ("@role", (long)NamespaceRole.Owner));
                return new NamespaceInfo
                {
                    Id = id,
                    Name = name,
                    Kind = NamespaceKind.Organization,
                    Description = description,
                    Created = StoredTime.To(now),
                };
            },
            $"the name \"{name}\" is taken",
            cancellationToken);
    }

    public Task<NamespaceInfo?> GetNamespaceAsync(string name, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        return ReadAsync(
            session => session.FirstAsync($"SELECT {NamespaceColumns} FROM namespaces WHERE name = @name", ReadNamespace, ("@name", name)),
            cancellationToken);
    }

    public Task<PagedList<NamespaceInfo>> ListNamespacesAsync(NamespaceQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckPage(query.Offset, query.Limit);
        var where = new StringBuilder(" WHERE 1 = 1");
        var parameters = new List<(string Name, object? Value)>();
        if (query.MemberId is { } member)
        {
            where.Append(" AND EXISTS (SELECT 1 FROM members AS m WHERE m.namespace_id = namespaces.id AND m.account_id = @member)");
            parameters.Add(("@member", member));
        }

        if (query.Kind is { } kind)
        {
            where.Append(" AND kind = @kind");
            parameters.Add(("@kind", (long)kind));
        }

        AppendSearch(where, parameters, query.Search, "name");
        return ReadAsync(
            async session =>
            {
                var total = (await session.ScalarAsync("SELECT count(*) FROM namespaces" + where, [.. parameters])) ?? 0;
                var items = await session.QueryAsync(
                    $"SELECT {NamespaceColumns} FROM namespaces{where} ORDER BY name LIMIT @limit OFFSET @offset",
                    ReadNamespace,
                    [.. parameters, ("@limit", (long)query.Limit), ("@offset", (long)query.Offset)]);
                return new PagedList<NamespaceInfo>(items, total);
            },
            cancellationToken);
    }

    public Task<bool> SetNamespaceDescriptionAsync(string name, string description, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(description);
        return WriteAsync(
            async session => await session.ExecuteAsync(
                "UPDATE namespaces SET description = @description WHERE name = @name",
                ("@description", description), ("@name", name)) == 1,
            cancellationToken);
    }

    public Task<IReadOnlyList<NamespaceMember>> ListMembersAsync(string namespaceName, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(namespaceName);
        return ReadAsync<IReadOnlyList<NamespaceMember>>(
            async session => await session.QueryAsync(
                """
                SELECT a.id, a.name, m.role
                FROM members AS m JOIN namespaces AS n ON n.id = m.namespace_id JOIN accounts AS a ON a.id = m.account_id
                WHERE n.name = @ns ORDER BY a.name
                """,
                reader => new NamespaceMember(reader.GetInt64(0), reader.GetString(1), (NamespaceRole)reader.GetInt64(2)),
                ("@ns", namespaceName)),
            cancellationToken);
    }

    public Task<NamespaceRole?> GetRoleAsync(string namespaceName, long accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(namespaceName);
        return ReadAsync(
            async session => await session.ScalarAsync(
                """
                SELECT m.role FROM members AS m JOIN namespaces AS n ON n.id = m.namespace_id
                WHERE n.name = @ns AND m.account_id = @account
                """,
                ("@ns", namespaceName), ("@account", accountId)) is { } role
                ? (NamespaceRole?)role
                : null,
            cancellationToken);
    }

    public Task<bool> SetMemberAsync(string namespaceName, long accountId, NamespaceRole role, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(namespaceName);
        if (!Enum.IsDefined(role))
        {
            throw new ArgumentOutOfRangeException(nameof(role), role, "not a role");
        }

        return WriteAsync(
            async session =>
            {
                if (await session.ScalarAsync("SELECT id FROM namespaces WHERE name = @ns", ("@ns", namespaceName)) is not { } namespaceId ||
                    await session.ScalarAsync("SELECT id FROM accounts WHERE id = @id AND kind = 0", ("@id", accountId)) is null)
                {
                    return false;
                }

                if (role != NamespaceRole.Owner)
                {
                    await EnsureAnotherOwnerAsync(session, namespaceId, accountId, namespaceName);
                }

                await session.ExecuteAsync(
                    """
                    INSERT INTO members (namespace_id, account_id, role) VALUES (@ns, @account, @role)
                    ON CONFLICT (namespace_id, account_id) DO UPDATE SET role = excluded.role
                    """,
                    ("@ns", namespaceId), ("@account", accountId), ("@role", (long)role));
                return true;
            },
            cancellationToken);
    }

    public Task<bool> RemoveMemberAsync(string namespaceName, long accountId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(namespaceName);
        return WriteAsync(
            async session =>
            {
                if (await session.ScalarAsync("SELECT id FROM namespaces WHERE name = @ns", ("@ns", namespaceName)) is not { } namespaceId)
                {
                    return false;
                }

                await EnsureAnotherOwnerAsync(session, namespaceId, accountId, namespaceName);
                return await session.ExecuteAsync(
                    "DELETE FROM members WHERE namespace_id = @ns AND account_id = @account",
                    ("@ns", namespaceId), ("@account", accountId)) == 1;
            },
            cancellationToken);
    }

    /// <summary>Throws when <paramref name="accountId"/> is the namespace's only owner (so it must stay one).</summary>
    private static async Task EnsureAnotherOwnerAsync(SqlSession session, long namespaceId, long accountId, string name)
    {
        var otherOwners = await session.ScalarAsync(
            "SELECT count(*) FROM members WHERE namespace_id = @ns AND role = @owner AND account_id <> @account",
            ("@ns", namespaceId), ("@owner", (long)NamespaceRole.Owner), ("@account", accountId));
        var isOwner = await session.ScalarAsync(
            "SELECT 1 FROM members WHERE namespace_id = @ns AND role = @owner AND account_id = @account",
            ("@ns", namespaceId), ("@owner", (long)NamespaceRole.Owner), ("@account", accountId));
        if (isOwner is not null && otherOwners == 0)
        {
            throw new IndexConflictException($"\"{name}\" would have no owner left");
        }
    }

    private static NamespaceInfo ReadNamespace(DbDataReader reader) => new()
    {
        Id = reader.GetInt64(0),
        Name = reader.GetString(1),
        Kind = (NamespaceKind)reader.GetInt64(2),
        Description = reader.GetString(3),
        Created = StoredTime.To(reader.GetInt64(4)),
    };
}
