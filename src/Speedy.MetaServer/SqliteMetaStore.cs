using Microsoft.Data.Sqlite;

namespace Speedy.MetaServer;

/// <summary>
/// The embedded meta store: one SQLite database file in WAL mode, with one writer connection (writes are
/// serialized, each an IMMEDIATE transaction) and a pool of read-only connections that read concurrently with it.
/// </summary>
/// <remarks>
/// <para>Durability: <c>synchronous=FULL</c>. In WAL mode NORMAL skips the fsync of the WAL at commit, so a power
/// failure can lose transactions that were already acknowledged (the database stays consistent, but recent commits
/// roll back); FULL fsyncs the WAL on every commit, which is what "nothing acknowledged is ever lost" needs. The cost
/// is one fsync per write transaction.</para>
/// <para>Writes from other processes on the same file wait on SQLite's lock (the busy timeout), so two meta servers
/// sharing a file stay correct, if slower; the embedded deployment has one.</para>
/// </remarks>
public sealed partial class SqliteMetaStore : IMetaStore
{
    private const int BusyTimeoutSeconds = 30;

    private readonly SqliteConnection _writer;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly string _readerConnectionString;
    private readonly TimeProvider _timeProvider;
    private bool _disposed;

    private SqliteMetaStore(SqliteConnection writer, string readerConnectionString, TimeProvider timeProvider)
    {
        _writer = writer;
        _readerConnectionString = readerConnectionString;
        _timeProvider = timeProvider;
    }

    /// <summary>Opens (creating if needed) the database at <see cref="SqliteMetaStoreOptions.DatabasePath"/>.</summary>
    /// <exception cref="InvalidOperationException">
    /// The database cannot use WAL, or was written by a newer version of this store.
    /// </exception>
    public static async ValueTask<SqliteMetaStore> OpenAsync(
        SqliteMetaStoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.DatabasePath);
        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        var path = Path.GetFullPath(options.DatabasePath);
        var writerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();
        var readerConnectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadOnly,
            Pooling = true,
            DefaultTimeout = BusyTimeoutSeconds,
        }.ToString();

        var writer = new SqliteConnection(writerConnectionString);
        try
        {
            await writer.OpenAsync(cancellationToken);
            await ConfigureWriterAsync(writer, cancellationToken);
            await CreateSchemaAsync(writer, cancellationToken);
        }
        catch
        {
            await writer.DisposeAsync();
            throw;
        }

        return new SqliteMetaStore(writer, readerConnectionString, options.TimeProvider);
    }

    /// <summary>Waits for the write in progress, then closes the writer and every pooled reader.</summary>
    public async ValueTask DisposeAsync()
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

    /// <summary>The writer connection's <c>PRAGMA synchronous</c> (2 is FULL), for tests.</summary>
    internal async ValueTask<long> ReadSynchronousSettingAsync(CancellationToken cancellationToken)
    {
        await using var scope = await BeginWriteAsync(cancellationToken);
        await using var command = scope.CreateCommand("PRAGMA synchronous");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!; // A PRAGMA query always returns a row.
    }

    private static async ValueTask ConfigureWriterAsync(SqliteConnection writer, CancellationToken cancellationToken)
    {
        await using var command = writer.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = WAL";
        var mode = (string?)await command.ExecuteScalarAsync(cancellationToken);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException(
                $"the meta store database \"{writer.DataSource}\" cannot use WAL (journal mode is \"{mode}\")");
        }

        command.CommandText = "PRAGMA synchronous = FULL";
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async ValueTask CreateSchemaAsync(SqliteConnection writer, CancellationToken cancellationToken)
    {
        await using var transaction = writer.BeginTransaction(deferred: false);
        await using var command = writer.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "PRAGMA user_version";
        var version = (long)(await command.ExecuteScalarAsync(cancellationToken))!; // A PRAGMA query always returns a row.
        if (version > SqliteSql.SchemaVersion)
        {
            throw new InvalidOperationException(
                $"the meta store database \"{writer.DataSource}\" has schema version {version}; this build knows {SqliteSql.SchemaVersion}");
        }

        if (version < SqliteSql.SchemaVersion)
        {
            command.CommandText = SqliteSql.CreateSchema;
            await command.ExecuteNonQueryAsync(cancellationToken);
            command.CommandText = $"PRAGMA user_version = {SqliteSql.SchemaVersion}";
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private async ValueTask<SqliteWriteScope> BeginWriteAsync(CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);

            // Not deferred: BEGIN IMMEDIATE takes the database's write lock now, as SQLite's docs advise for writers.
            var transaction = _writer.BeginTransaction(deferred: false);
            return new SqliteWriteScope(_writer, transaction, _writeLock);
        }
        catch
        {
            _writeLock.Release();
            throw;
        }
    }

    private async ValueTask<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_readerConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }

        return connection;
    }

    private long Now() => StoredTime.From(_timeProvider.GetUtcNow());
}
