using System.Data;
using System.Data.Common;
using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;

namespace Speedy.Index.Store;

/// <summary>
/// The highly available index store: PostgreSQL through Npgsql, for several index instances sharing one database. The
/// tables are created on open.
/// </summary>
/// <remarks>
/// Every write is one SERIALIZABLE transaction, retried when PostgreSQL reports a serialization failure or a deadlock:
/// some writes check before they change (the last owner of a namespace must stay, a name must be free), and
/// SERIALIZABLE makes those checks hold against concurrent writers without hand-ordered locks. Reads run at READ
/// COMMITTED. Text columns are <c>COLLATE "C"</c> so names sort by code point, as in SQLite.
/// </remarks>
public sealed class PostgresIndexStore : SqlIndexStore
{
    /// <summary>The schema version this code writes, kept in <c>index_schema</c>.</summary>
    internal const int SchemaVersion = 1;

    private const string LockSchema = "SELECT pg_advisory_xact_lock(5408264512894718811)";

    private const string CreateSchemaTable = "CREATE TABLE IF NOT EXISTS index_schema (version integer NOT NULL)";

    internal const string CreateSchema = """
        CREATE TABLE accounts (
            id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name                 text   COLLATE "C" NOT NULL UNIQUE,
            kind                 bigint NOT NULL,
            secret_hash          text   NOT NULL,
            is_admin             bigint NOT NULL,
            is_disabled          bigint NOT NULL,
            failed_logins        bigint NOT NULL,
            failure_window_start bigint,
            locked_until         bigint,
            created              bigint NOT NULL,
            last_login           bigint,
            namespace            text   COLLATE "C",
            expires_at           bigint,
            description          text   NOT NULL
        );
        CREATE INDEX accounts_namespace ON accounts (namespace, name);
        CREATE TABLE robot_rights (
            account_id bigint NOT NULL REFERENCES accounts (id),
            repository text   COLLATE "C" NOT NULL,
            actions    text   NOT NULL,
            PRIMARY KEY (account_id, repository)
        );
        CREATE TABLE access_tokens (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            account_id  bigint NOT NULL REFERENCES accounts (id),
            name        text   NOT NULL,
            secret_hash text   NOT NULL UNIQUE,
            scopes      text   NOT NULL,
            created     bigint NOT NULL,
            expires_at  bigint,
            last_used   bigint,
            revoked_at  bigint
        );
        CREATE INDEX access_tokens_account ON access_tokens (account_id);
        CREATE TABLE refresh_tokens (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            account_id  bigint NOT NULL REFERENCES accounts (id),
            secret_hash text   NOT NULL UNIQUE,
            client_id   text   NOT NULL,
            created     bigint NOT NULL,
            expires_at  bigint NOT NULL,
            revoked_at  bigint
        );
        CREATE INDEX refresh_tokens_account ON refresh_tokens (account_id);
        CREATE TABLE namespaces (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name        text   COLLATE "C" NOT NULL UNIQUE,
            kind        bigint NOT NULL,
            description text   NOT NULL,
            created     bigint NOT NULL
        );
        CREATE TABLE members (
            namespace_id bigint NOT NULL REFERENCES namespaces (id),
            account_id   bigint NOT NULL REFERENCES accounts (id),
            role         bigint NOT NULL,
            PRIMARY KEY (namespace_id, account_id)
        );
        CREATE INDEX members_account ON members (account_id);
        CREATE TABLE repositories (
            id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            name        text   COLLATE "C" NOT NULL UNIQUE,
            namespace   text   COLLATE "C" NOT NULL,
            is_public   bigint NOT NULL,
            description text   NOT NULL,
            created     bigint NOT NULL,
            last_push   bigint,
            last_pull   bigint,
            pull_count  bigint NOT NULL,
            star_count  bigint NOT NULL
        );
        CREATE INDEX repositories_namespace ON repositories (namespace, name);
        CREATE INDEX repositories_stars ON repositories (star_count);
        CREATE INDEX repositories_pulls ON repositories (pull_count);
        CREATE INDEX repositories_pushed ON repositories (last_push);
        CREATE TABLE stars (
            account_id    bigint NOT NULL REFERENCES accounts (id),
            repository_id bigint NOT NULL REFERENCES repositories (id),
            created       bigint NOT NULL,
            PRIMARY KEY (account_id, repository_id)
        );
        CREATE INDEX stars_repository ON stars (repository_id);
        CREATE TABLE audit_log (
            id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            time           bigint NOT NULL,
            actor          text   COLLATE "C" NOT NULL,
            action         text   COLLATE "C" NOT NULL,
            target         text   COLLATE "C" NOT NULL,
            detail         text   NOT NULL,
            remote_address text   NOT NULL
        );
        CREATE INDEX audit_log_actor ON audit_log (actor, id);
        CREATE INDEX audit_log_action ON audit_log (action, id);
        CREATE INDEX audit_log_target ON audit_log (target, id);
        """;

    private static readonly TimeSpan s_retryBudget = TimeSpan.FromSeconds(30);

    private readonly NpgsqlDataSource _dataSource;

    private PostgresIndexStore(NpgsqlDataSource dataSource, TimeProvider timeProvider)
        : base(timeProvider) => _dataSource = dataSource;

    /// <summary>Connects, and creates the tables if the database has none yet.</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer version of this store.</exception>
    public static async Task<PostgresIndexStore> OpenAsync(
        string connectionString, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(connectionString);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var dataSource = NpgsqlDataSource.Create(connectionString);
        try
        {
            await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using var command = new NpgsqlCommand(LockSchema, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
            command.CommandText = CreateSchemaTable;
            await command.ExecuteNonQueryAsync(cancellationToken);
            command.CommandText = "SELECT max(version) FROM index_schema";
            var version = await command.ExecuteScalarAsync(cancellationToken) as int? ?? 0;
            if (version > SchemaVersion)
            {
                throw new InvalidOperationException(
                    $"the index database has schema version {version}; this build knows {SchemaVersion}");
            }

            if (version < SchemaVersion)
            {
                command.CommandText = CreateSchema;
                await command.ExecuteNonQueryAsync(cancellationToken);
                command.CommandText = "INSERT INTO index_schema (version) VALUES ($1)";
                command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = SchemaVersion });
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }

        return new PostgresIndexStore(dataSource, timeProvider);
    }

    public override ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private protected override async Task<T> ReadAsync<T>(Func<SqlSession, Task<T>> operation, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        return await operation(new SqlSession(connection, null, cancellationToken));
    }

    /// <summary>
    /// One SERIALIZABLE transaction, retried (with a random delay below a ceiling that doubles up to 64 ms) while
    /// PostgreSQL rolls it back for a serialization failure or a deadlock, for up to <see cref="s_retryBudget"/>.
    /// </summary>
    private protected override async Task<T> WriteAsync<T>(Func<SqlSession, Task<T>> operation, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
                await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
                var result = await operation(new SqlSession(connection, transaction, cancellationToken));
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            catch (PostgresException exception)
                when (exception.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected &&
                      Stopwatch.GetElapsedTime(started) < s_retryBudget)
            {
                var ceiling = 1 << Math.Min(attempt, 6);
                await Task.Delay(TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(ceiling) + 1), cancellationToken);
            }
        }
    }

    private protected override bool IsUniqueViolation(DbException exception) =>
        exception is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation };
}
