using Microsoft.Data.Sqlite;
using Speedy.Testing;

namespace Speedy.MetaServer.Tests;

/// <summary>The conformance suite on <see cref="SqliteMetaStore"/>, plus what is particular to SQLite.</summary>
public sealed class SqliteMetaStoreTests : MetaStoreConformanceTests
{
    private readonly TempDirectory _directory = new();

    private string DatabasePath => _directory.Combine("meta.db");

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

    protected override async ValueTask<IMetaStore> OpenStoreAsync() =>
        await SqliteMetaStore.OpenAsync(new SqliteMetaStoreOptions { DatabasePath = DatabasePath, TimeProvider = Clock }, Token);

    protected override async ValueTask<IReadOnlyList<string>> FindInconsistenciesAsync(IMetaStore store) =>
        MetaStoreInvariants.Check(await ((SqliteMetaStore)store).DumpAsync(Token));

    [Fact]
    public async Task Open_UsesWalAndFsyncsEveryCommit()
    {
        var store = (SqliteMetaStore)Store;

        Assert.Equal(2, await store.ReadSynchronousSettingAsync(Token));
        await using var connection = new SqliteConnection($"Data Source={DatabasePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync(Token);
        await using var command = connection.CreateCommand();
        command.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await command.ExecuteScalarAsync(Token));
    }

    [Fact]
    public async Task Open_RefusesADatabaseWrittenByANewerVersion()
    {
        await using (var connection = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await connection.OpenAsync(Token);
            await using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA user_version = 99";
            await command.ExecuteNonQueryAsync(Token);
        }

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenStoreAsync().AsTask());
        Assert.Contains("schema version 99", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoStoresOnOneFile_SeeEachOthersWrites()
    {
        await using var other = await OpenStoreAsync();

        await Store.PutAsync("/a/one", Inline("1"), Token);
        await other.PutAsync("/a/two", Inline("2"), Token);
        Assert.True(await other.MoveAsync("/a/one", "/b/one", Token));

        Assert.Equal("1", Text(await Store.GetAsync("/b/one", Token)));
        Assert.Equal(["two"], await ListAllAsync("/a"));
    }

    public static TheoryData<string> IndexedStatements { get; } =
    [
        nameof(SqliteSql.ListChildren),
        nameof(SqliteSql.SelectNode),
        nameof(SqliteSql.SelectEntry),
        nameof(SqliteSql.SelectStat),
        nameof(SqliteSql.DeleteDirectoryIfEmpty),
        nameof(SqliteSql.DeleteNodesUnder),
        nameof(SqliteSql.DeleteFragmentsUnder),
        nameof(SqliteSql.DeleteFragmentsOfNode),
    ];

    [Theory]
    [MemberData(nameof(IndexedStatements))]
    public async Task Statements_AreServedByIndexSearchesNeverByTableScans(string statement)
    {
        var sql = statement switch
        {
            nameof(SqliteSql.ListChildren) => SqliteSql.ListChildren,
            nameof(SqliteSql.SelectNode) => SqliteSql.SelectNode,
            nameof(SqliteSql.SelectEntry) => SqliteSql.SelectEntry,
            nameof(SqliteSql.SelectStat) => SqliteSql.SelectStat,
            nameof(SqliteSql.DeleteDirectoryIfEmpty) => SqliteSql.DeleteDirectoryIfEmpty,
            nameof(SqliteSql.DeleteNodesUnder) => SqliteSql.DeleteNodesUnder,
            nameof(SqliteSql.DeleteFragmentsUnder) => SqliteSql.DeleteFragmentsUnder,
            nameof(SqliteSql.DeleteFragmentsOfNode) => SqliteSql.DeleteFragmentsOfNode,
            _ => throw new ArgumentOutOfRangeException(nameof(statement)),
        };

        var plan = await ((SqliteMetaStore)Store).ExplainAsync(sql, Token);

        Assert.DoesNotContain("SCAN", plan, StringComparison.Ordinal);
        Assert.Contains("SEARCH", plan, StringComparison.Ordinal);
        if (statement == nameof(SqliteSql.ListChildren))
        {
            Assert.Contains("USING COVERING INDEX meta_nodes_children (parent=? AND name>?)", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("TEMP B-TREE", plan, StringComparison.Ordinal);
        }
    }
}
