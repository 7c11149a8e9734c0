using System.Text;

namespace Speedy.Index.Store;

/// <summary>The audit log: appended to, listed newest first.</summary>
public abstract partial class SqlIndexStore
{
    public Task AppendAuditAsync(AuditRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var time = record.Time is { } given ? StoredTime.From(given) : Now();
        return WriteAsync(
            session => session.ExecuteAsync(
                """
                INSERT INTO audit_log (time, actor, action, target, detail, remote_address)
                VALUES (@time, @actor, @action, @target, @detail, @remote)
                """,
                ("@time", time), ("@actor", record.Actor), ("@action", record.Action), ("@target", record.Target),
                ("@detail", record.Detail), ("@remote", record.RemoteAddress)),
            cancellationToken);
    }

    public Task<IReadOnlyList<AuditEntry>> ListAuditAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        CheckPage(0, query.Limit);
        var sql = new StringBuilder($"SELECT {AuditColumns} FROM audit_log WHERE 1 = 1");
        var parameters = new List<(string Name, object? Value)>();
        AddFilter("actor", query.Actor);
        AddFilter("action", query.Action);
        AddFilter("target", query.Target);
        if (query.BeforeId is { } before)
        {
            sql.Append(" AND id < @before");
            parameters.Add(("@before", before));
        }

        sql.Append(" ORDER BY id DESC LIMIT @limit");
        parameters.Add(("@limit", (long)query.Limit));
        return ReadAsync<IReadOnlyList<AuditEntry>>(
            async session => await session.QueryAsync(
                sql.ToString(),
                reader => new AuditEntry(
                    reader.GetInt64(0), StoredTime.To(reader.GetInt64(1)), reader.GetString(2), reader.GetString(3),
                    reader.GetString(4), reader.GetString(5), reader.GetString(6)),
                [.. parameters]),
            cancellationToken);

        void AddFilter(string column, string? value)
        {
            if (value is not null)
            {
                sql.Append(" AND ").Append(column).Append(" = @").Append(column);
                parameters.Add(("@" + column, value));
            }
        }
    }
}
