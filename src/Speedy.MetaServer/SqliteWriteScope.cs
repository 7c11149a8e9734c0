using Microsoft.Data.Sqlite;

namespace Speedy.MetaServer;

/// <summary>
/// One write transaction on <see cref="SqliteMetaStore"/>'s writer connection: holds the write lock and an
/// IMMEDIATE transaction (the database's write lock, taken at BEGIN so a reader-turned-writer never deadlocks).
/// Disposing it without <see cref="CommitAsync"/> rolls back; either way it releases the lock.
/// </summary>
internal sealed class SqliteWriteScope : IAsyncDisposable
{
    private readonly SqliteConnection _connection;
    private readonly SqliteTransaction _transaction;
    private readonly SemaphoreSlim _writeLock;

    public SqliteWriteScope(SqliteConnection connection, SqliteTransaction transaction, SemaphoreSlim writeLock)
    {
        _connection = connection;
        _transaction = transaction;
        _writeLock = writeLock;
    }

    public SqliteCommand CreateCommand(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        return command;
    }

    public Task CommitAsync(CancellationToken cancellationToken) => _transaction.CommitAsync(cancellationToken);

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _transaction.DisposeAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }
}
