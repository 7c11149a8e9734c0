using Speedy.Index.Store;
using Speedy.Testing;

namespace Speedy.Index.Tests;

/// <summary>The conformance suite on <see cref="SqliteIndexStore"/>, plus what is particular to SQLite.</summary>
public sealed class SqliteIndexStoreTests : IndexStoreConformanceTests
{
    private readonly TempDirectory _directory = new();

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            _directory.Dispose();
        }
    }

    protected override async Task<IIndexStore> OpenStoreAsync() =>
        await SqliteIndexStore.OpenAsync(_directory.Combine("index.db"), Clock, Token);

    [Fact]
    public async Task Open_RefusesADatabaseWrittenByANewerVersion()
    {
        await Store.DisposeAsync();
        await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={_directory.Combine("index.db")};Pooling=False"))
        {
            await connection.OpenAsync(Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            await command.ExecuteNonQueryAsync(Token);
        }

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(OpenStoreAsync);
        Assert.Contains("schema version 99", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lookups_AreServedByIndexes()
    {
        var store = (SqliteIndexStore)Store;
        foreach (var sql in new[]
        {
            "SELECT id FROM accounts WHERE name = 'a'",
            "SELECT id FROM access_tokens WHERE secret_hash = 'x'",
            "SELECT id FROM refresh_tokens WHERE secret_hash = 'x'",
            "SELECT id FROM repositories WHERE name = 'a/b'",
            "SELECT id FROM repositories WHERE namespace = 'a' ORDER BY name",
        })
        {
            var plan = await store.ExplainAsync(sql, Token);
            Assert.DoesNotContain("SCAN", plan, StringComparison.Ordinal);
        }
    }
}
