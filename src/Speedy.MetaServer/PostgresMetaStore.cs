using System.Data;
using System.Diagnostics;
using System.Security.Cryptography;
using Npgsql;

namespace Speedy.MetaServer;

/// <summary>
/// The highly available meta store: PostgreSQL through Npgsql, for deployments where several meta servers share one
/// database (made highly available by PostgreSQL's own replication and failover). The tables are created on open.
/// </summary>
/// <remarks>
/// <para>Every write is one SERIALIZABLE transaction, retried when PostgreSQL reports a serialization failure or a
/// deadlock. A write checks and changes several rows whose invariants span transactions: a directory row must exist
/// while anything is under it, which Put (creating the directory) and Delete or Move (removing it once empty) race on
/// from different meta servers. Under READ COMMITTED the emptiness check of one could miss the other's uncommitted
/// child and leave an orphan; SERIALIZABLE makes every interleaving equivalent to some serial order, without
/// hand-ordered row locks. A retried transaction was rolled back, so a retry never applies a write twice; other
/// errors (a lost connection during COMMIT, whose outcome is unknown) are not retried but reported.</para>
/// <para>Reads are single statements, each a consistent snapshot at READ COMMITTED.</para>
/// <para>Durability is the server's: with PostgreSQL's defaults (<c>fsync=on</c>, <c>synchronous_commit=on</c>) a
/// commit is acknowledged after its WAL is flushed, and with synchronous replication after a standby has it too.</para>
/// </remarks>
public sealed partial class PostgresMetaStore : IMetaStore
{
    private static readonly TimeSpan s_retryBudget = TimeSpan.FromSeconds(30);

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _timeProvider;

    private PostgresMetaStore(NpgsqlDataSource dataSource, TimeProvider timeProvider)
    {
        _dataSource = dataSource;
        _timeProvider = timeProvider;
    }

    /// <summary>Connects, and creates the tables if the database has none yet.</summary>
    /// <exception cref="InvalidOperationException">The database was written by a newer version of this store.</exception>
    public static async ValueTask<PostgresMetaStore> OpenAsync(
        PostgresMetaStoreOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrEmpty(options.ConnectionString);
        ArgumentNullException.ThrowIfNull(options.TimeProvider);
        var builder = new NpgsqlDataSourceBuilder(options.ConnectionString);
        if (builder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            // The store runs a dozen statements over and over: let Npgsql prepare them server-side.
            builder.ConnectionStringBuilder.MaxAutoPrepare = 32;
        }

        var dataSource = builder.Build();
        try
        {
            await CreateSchemaAsync(dataSource, cancellationToken);
        }
        catch
        {
            await dataSource.DisposeAsync();
            throw;
        }

        return new PostgresMetaStore(dataSource, options.TimeProvider);
    }

    /// <summary>Closes the store's connections.</summary>
    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    private static async ValueTask CreateSchemaAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var command = new NpgsqlCommand(PostgresSql.LockSchema, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = PostgresSql.CreateSchemaTable;
        await command.ExecuteNonQueryAsync(cancellationToken);
        command.CommandText = PostgresSql.SelectSchemaVersion;
        var version = await command.ExecuteScalarAsync(cancellationToken) as int? ?? 0;
        if (version > PostgresSql.SchemaVersion)
        {
            throw new InvalidOperationException(
                $"the meta store database has schema version {version}; this build knows {PostgresSql.SchemaVersion}");
        }

        if (version < PostgresSql.SchemaVersion)
        {
            command.CommandText = PostgresSql.CreateSchema;
            await command.ExecuteNonQueryAsync(cancellationToken);
            command.CommandText = PostgresSql.InsertSchemaVersion;
            command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = PostgresSql.SchemaVersion });
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    private static bool IsRetryable(PostgresException exception) =>
        exception.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected;

    /// <summary>
    /// Runs <paramref name="operation"/> in a SERIALIZABLE transaction and commits it, retrying while PostgreSQL rolls
    /// it back for a serialization failure or a deadlock, for up to <see cref="s_retryBudget"/>. Each retry waits a
    /// random delay below a ceiling that doubles up to 64 ms ("full jitter"), so writers that collided spread out.
    /// The budget is a time, not a count: writers contending for one path (16 replacing one tag) each lose many
    /// rounds before their turn, and a count that is safe for them would be arbitrary.
    /// </summary>
    private async ValueTask<TResult> RunSerializableAsync<TState, TResult>(
        TState state,
        Func<NpgsqlConnection, TState, CancellationToken, Task<TResult>> operation,
        CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RunOnceAsync(state, operation, cancellationToken);
            }
            catch (PostgresException exception)
                when (IsRetryable(exception) && Stopwatch.GetElapsedTime(started) < s_retryBudget)
            {
                var ceiling = 1 << Math.Min(attempt, 6);
                var delay = TimeSpan.FromMilliseconds(RandomNumberGenerator.GetInt32(ceiling) + 1);
                await Task.Delay(delay, cancellationToken);
            }
        }
    }

    private async Task<TResult> RunOnceAsync<TState, TResult>(
        TState state,
        Func<NpgsqlConnection, TState, CancellationToken, Task<TResult>> operation,
        CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.Serializable, cancellationToken);
        var result = await operation(connection, state, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private long Now() => StoredTime.From(_timeProvider.GetUtcNow());
}
