using System.Data.Common;
using System.Globalization;
using System.Text;

namespace Speedy.Index.Store;

/// <summary>
/// The index store over ADO.NET, written once for both databases: the tables and queries are plain SQL that SQLite
/// and PostgreSQL read alike (integers for flags and times, <c>RETURNING</c>, <c>ON CONFLICT</c>, <c>@name</c>
/// parameters), so the two stores differ only in how they open connections and run transactions
/// (<see cref="SqliteIndexStore"/>: one writer, pooled readers; <see cref="PostgresIndexStore"/>: SERIALIZABLE
/// transactions with retries) and in their DDL. One body of queries keeps the two from drifting apart, which the
/// conformance suite then checks.
/// </summary>
public abstract partial class SqlIndexStore : IIndexStore
{
    private const string AccountColumns =
        "id, name, kind, secret_hash, is_admin, is_disabled, failed_logins, locked_until, created, last_login, namespace, expires_at, description";

    private const string TokenColumns = "id, account_id, name, scopes, created, expires_at, last_used, revoked_at";

    private const string RefreshColumns = "id, account_id, client_id, created, expires_at, revoked_at";

    private const string NamespaceColumns = "id, name, kind, description, created";

    private const string RepositoryColumns =
        "id, name, namespace, is_public, description, created, last_push, last_pull, pull_count, star_count";

    private const string AuditColumns = "id, time, actor, action, target, detail, remote_address";

    private readonly TimeProvider _timeProvider;

    private protected SqlIndexStore(TimeProvider timeProvider) => _timeProvider = timeProvider;

    public abstract ValueTask DisposeAsync();

    /// <summary>Runs <paramref name="operation"/> on a connection that reads committed data.</summary>
    private protected abstract Task<T> ReadAsync<T>(Func<SqlSession, Task<T>> operation, CancellationToken cancellationToken);

    /// <summary>
    /// Runs <paramref name="operation"/> in one write transaction and commits it; an exception rolls it back. The
    /// operation may run more than once (a PostgreSQL serialization failure is retried), so it only touches the database.
    /// </summary>
    private protected abstract Task<T> WriteAsync<T>(Func<SqlSession, Task<T>> operation, CancellationToken cancellationToken);

    /// <summary>Whether <paramref name="exception"/> is a unique-constraint violation.</summary>
    private protected abstract bool IsUniqueViolation(DbException exception);

    private long Now() => StoredTime.From(_timeProvider.GetUtcNow());

    /// <summary><see cref="WriteAsync"/>, turning a unique-constraint violation into <see cref="IndexConflictException"/>.</summary>
    private async Task<T> WriteUniqueAsync<T>(
        Func<SqlSession, Task<T>> operation, string conflict, CancellationToken cancellationToken)
    {
        try
        {
            return await WriteAsync(operation, cancellationToken);
        }
        catch (DbException exception) when (IsUniqueViolation(exception))
        {
            throw new IndexConflictException(conflict, exception);
        }
    }

    private static void CheckPage(int offset, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(limit, IndexLimits.MaxPageSize);
    }

    private static DateTimeOffset? TimeOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : StoredTime.To(reader.GetInt64(ordinal));

    private static string? StringOrNull(DbDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static string JoinList(IReadOnlyList<string> values) => string.Join(',', values);

    private static string[] SplitList(string value) =>
        value.Length == 0 ? [] : value.Split(',', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>A LIKE pattern that finds <paramref name="text"/> anywhere, lower-cased, with its wildcards escaped by '\'.</summary>
    private static string Contains(string text)
    {
        var pattern = new StringBuilder(text.Length + 2).Append('%');
        foreach (var c in text.ToLowerInvariant())
        {
            if (c is '%' or '_' or '\\')
            {
                pattern.Append('\\');
            }

            pattern.Append(c);
        }

        return pattern.Append('%').ToString();
    }

    /// <summary>Appends "AND (… LIKE …)" for each word of <paramref name="search"/>, over <paramref name="columns"/>.</summary>
    private static void AppendSearch(
        StringBuilder sql, List<(string Name, object? Value)> parameters, string? search, params string[] columns)
    {
        if (string.IsNullOrWhiteSpace(search))
        {
            return;
        }

        var words = search.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length && i < 8; i++)
        {
            var name = string.Create(CultureInfo.InvariantCulture, $"@w{i}");
            parameters.Add((name, Contains(words[i])));
            sql.Append(" AND (");
            for (var c = 0; c < columns.Length; c++)
            {
                sql.Append(c == 0 ? string.Empty : " OR ").Append("lower(").Append(columns[c]).Append(") LIKE ").Append(name).Append(" ESCAPE '\\'");
            }

            sql.Append(')');
        }
    }
}
