using System.Data.Common;

namespace Speedy.Index.Store;

/// <summary>
/// One unit of work of <see cref="SqlIndexStore"/>: a connection, the write transaction if there is one, and the
/// cancellation token, with the few ADO.NET helpers the store needs. Parameters are named <c>@name</c>, which both
/// Microsoft.Data.Sqlite and Npgsql understand.
/// </summary>
internal sealed class SqlSession(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
{
    public CancellationToken CancellationToken => cancellationToken;

    public async Task<int> ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<long?> ScalarAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return value is null or DBNull ? null : Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public async Task<List<T>> QueryAsync<T>(string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters)
    {
        await using var command = Create(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var list = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            list.Add(read(reader));
        }

        return list;
    }

    public async Task<T?> FirstAsync<T>(string sql, Func<DbDataReader, T> read, params (string Name, object? Value)[] parameters)
        where T : class
    {
        await using var command = Create(sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? read(reader) : null;
    }

    private DbCommand Create(string sql, (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = transaction;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }
}
