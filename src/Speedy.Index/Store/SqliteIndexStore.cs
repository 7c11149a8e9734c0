using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Speedy.Index.Store;

/// <summary>
/// The embedded index store: one SQLite database file in WAL mode (<c>&lt;data&gt;/index/index.db</c>), with one writer
/// connection (writes are serialized, each an IMMEDIATE transaction, <c>synchronous=FULL</c> so an acknowledged write
/// survives a power cut) and a pool of read-only connections that read concurrently with it.
/// </summary>
public sealed class SqliteIndexStore : SqlIndexStore
{
    private const int BusyTimeoutSeconds = 30;

    /// <summary>The schema version this code writes, kept in <c>PRAGMA user_version</c>.</summary>
    internal const int SchemaVersion = 1;

    /// <summary>STRICT tables: the column types are enforced, so both stores hold the same values.</summary>
    internal const string CreateSchema = """
        CREATE TABLE accounts (
            id                   INTEGER PRIMARY KEY,
            name                 TEXT    NOT NULL UNIQUE,
            kind                 INTEGER NOT NULL,
            secret_hash          TEXT    NOT NULL,
            is_admin             INTEGER NOT NULL,
            is_disabled          INTEGER NOT NULL,
            failed_logins        INTEGER NOT NULL,
            failure_window_start INTEGER,
            locked_until         INTEGER,
            created              INTEGER NOT NULL,
            last_login           INTEGER,
            namespace            TEXT,
            expires_at           INTEGER,
            description          TEXT    NOT NULL
        ) STRICT;
        CREATE INDEX accounts_namespace ON accounts (namespace, name);
        CREATE TABLE robot_rights (
            account_id INTEGER NOT NULL REFERENCES accounts (id),
            repository TEXT    NOT NULL,
            actions    TEXT    NOT NULL,
            PRIMARY KEY (account_id, repository)
        ) STRICT, WITHOUT ROWID;
        CREATE TABLE access_tokens (
            id          INTEGER PRIMARY KEY,
            account_id  INTEGER NOT NULL REFERENCES accounts (id),
            name        TEXT    NOT NULL,
            secret_hash TEXT    NOT NULL UNIQUE,
            scopes      TEXT    NOT NULL,
            created     INTEGER NOT NULL,
            expires_at  INTEGER,
            last_used   INTEGER,
            revoked_at  INTEGER
        ) STRICT;
        CREATE INDEX access_tokens_account ON access_tokens (account_id);
        CREATE TABLE refresh_tokens (
            id          INTEGER PRIMARY KEY,
            account_id  INTEGER NOT NULL REFERENCES accounts (id),
            secret_hash TEXT    NOT NULL UNIQUE,
            client_id   TEXT    NOT NULL,
            created     INTEGER NOT NULL,
            expires_at  INTEGER NOT NULL,
            revoked_at  INTEGER
        ) STRICT;
        CREATE INDEX refresh_tokens_account ON refresh_tokens (account_id);
        CREATE TABLE namespaces (
            id          INTEGER PRIMARY KEY,
            name        TEXT    NOT NULL UNIQUE,
            kind        INTEGER NOT NULL,
            description TEXT    NOT NULL,
            created     INTEGER NOT NULL
        ) STRICT;
        CREATE TABLE members (
            namespace_id INTEGER NOT NULL REFERENCES namespaces (id),
            account_id   INTEGER NOT NULL REFERENCES accounts (id),
            role         INTEGER NOT NULL,
            PRIMARY KEY (namespace_id, account_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX members_account ON members (account_id);
        CREATE TABLE repositories (
            id          INTEGER PRIMARY KEY,
            name        TEXT    NOT NULL UNIQUE,
            namespace   TEXT    NOT NULL,
            is_public   INTEGER NOT NULL,
            description TEXT    NOT NULL,
            created     INTEGER NOT NULL,
            last_push   INTEGER,
            last_pull   INTEGER,
            pull_count  INTEGER NOT NULL,
            star_count  INTEGER NOT NULL
        ) STRICT;
        CREATE INDEX repositories_namespace ON repositories (namespace, name);
        CREATE INDEX repositories_stars ON repositories (star_count);
        CREATE INDEX repositories_pulls ON repositories (pull_count);
        CREATE INDEX repositories_pushed ON repositories (last_push);
        CREATE TABLE stars (
            account_id    INTEGER NOT NULL REFERENCES accounts (id),
            repository_id INTEGER NOT NULL REFERENCES repositories (id),
            created       INTEGER NOT NULL,
            PRIMARY KEY (account_id, repository_id)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX stars_repository ON stars (repository_id);
        CREATE TABLE audit_log (
            id             INTEGER PRIMARY KEY,
            time           INTEGER NOT NULL,
            actor          TEXT    NOT NULL,
            action         TEXT    NOT NULL,
            target         TEXT    NOT NULL,
            detail         TEXT    NOT NULL,
            remote_address TEXT    NOT NULL
        ) STRICT;
        CREATE INDEX audit_log_actor ON audit_log (actor, id);
        CREATE INDEX audit_log_action ON audit_log (action, id);
        CREATE INDEX audit_log_target ON audit_log (target, id);
        """;

    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _readerConnectionString;
    private bool _disposed;

    private SqliteIndexStore(SqliteConnection writer, string readerConnectionString, TimeProvider timeProvider)
        : base(timeProvider)
    {
        _writer = writer;
        _readerConnectionString = readerConnectionString;
    }

    /// <summary>Opens (creating if needed) the database file; its directory must exist.</summary>
    /// <exception cref="InvalidOperationException">The database cannot use WAL, or was written by a newer version.</exception>
    public static async Task<SqliteIndexStore> OpenAsync(string databasePath, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(databasePath);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var path = Path.GetFullPath(databasePath);
        var writer = new SqliteConnection(new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = BusyTimeoutSeconds,
            ForeignKeys = true,
        }.ToString());
        var readerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
        try
        {
            await writer.OpenAsync(cancellationToken);
            await ConfigureAsync(writer, cancellationToken);
            await CreateSchemaAsync(writer, cancellationToken);
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }

        return new SqliteIndexStore(writer, readerConnectionString, timeProvider);
    }

    /// <summary>Waits for the write in progress, then closes the writer and every pooled reader.</summary>
    public override async ValueTask DisposeAsync()
    {
        await _writeLock.WaitAsync();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            await _writer.DisposeAsync();
            using var reader = new SqliteConnection(_readerConnectionString);
            SqliteConnection.ClearPool(reader);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>SQLite's query plan of <paramref name="sql"/> (parameters unbound), for tests.</summary>
    internal async Task<string> ExplainAsync(string sql, CancellationToken cancellationToken) =>
        await ReadAsync(
            async session => string.Join('\n', await session.QueryAsync("EXPLAIN QUERY PLAN " + sql, reader => reader.GetString(3))),
            cancellationToken);

    private protected override async Task<T> ReadAsync<T>(Func<SqlSession, Task<T>> operation, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await using var connection = new SqliteConnection(_readerConnectionString);
        await connection.OpenAsync(cancellationToken);
        return await operation(new SqlSession(connection, null, cancellationToken));
    }

    private protected override async Task<T> WriteAsync<T>(Func<SqlSession, Task<T>> operation, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Not deferred: BEGIN IMMEDIATE takes the database's write lock now, as SQLite's docs advise for writers.
            await using var transaction = _writer.BeginTransaction(deferred: false);
            var result = await operation(new SqlSession(_writer, transaction, cancellationToken));
            await transaction.CommitAsync(cancellationToken);
            return result;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>SQLITE_CONSTRAINT_UNIQUE (and the primary key's, which is unique too).</summary>
    private protected override bool IsUniqueViolation(DbException exception) =>
        exception is SqliteException { SqliteErrorCode: 19, SqliteExtendedErrorCode: 2067 or 1555 };

    private static async Task ConfigureAsync(SqliteConnection writer, CancellationToken cancellationToken)
    {
        await using var command = writer.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL";
        var mode = (string?)await command.ExecuteScalarAsync(cancellationToken);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"the index database \"{writer.DataSource}\" cannot use WAL (journal mode is \"{mode}\")");
        }

        command.CommandText = "PRAGMA synchronous = FULL";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task CreateSchemaAsync(SqliteConnection writer, CancellationToken cancellationToken)
    {
        await using var transaction = writer.BeginTransaction(deferred: false);
        await using var command = writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        var version = (long)(await command.ExecuteScalarAsync(cancellationToken))!; // A PRAGMA query always returns a row.
        if (version > SchemaVersion)
        {
            throw new InvalidOperationException(
                $"the index database \"{writer.DataSource}\" has schema version {version}; this build knows {SchemaVersion}");
        }

        if (version < SchemaVersion)
        {
            command.CommandText = CreateSchema;
            await command.ExecuteNonQueryAsync(cancellationToken);
            command.CommandText = $"PRAGMA user_version = {SchemaVersion}";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}
