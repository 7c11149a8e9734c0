using Npgsql;

namespace Speedy.MetaServer.Tests;

/// <summary>
/// The conformance suite on <see cref="PostgresMetaStore"/>, each test in a fresh database of a private server
/// (<see cref="PostgresFixture"/>), plus what is particular to PostgreSQL.
/// </summary>
public sealed class PostgresMetaStoreTests(PostgresFixture server) : MetaStoreConformanceTests, IClassFixture<PostgresFixture>
{
    private string? _connectionString;

    private string ConnectionString => _connectionString ?? throw new InvalidOperationException("created in InitializeAsync");

    public override async ValueTask InitializeAsync()
    {
        _connectionString = await server.CreateDatabaseAsync(options: null, Token);
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (_connectionString is not null)
            {
                await server.DropDatabaseAsync(_connectionString, CancellationToken.None);
            }
        }
    }

    protected override async ValueTask<IMetaStore> OpenStoreAsync() =>
        await PostgresMetaStore.OpenAsync(new PostgresMetaStoreOptions { ConnectionString = ConnectionString, TimeProvider = Clock }, Token);

    protected override async ValueTask<IReadOnlyList<string>> FindInconsistenciesAsync(IMetaStore store) =>
        MetaStoreInvariants.Check(await ((PostgresMetaStore)store).DumpAsync(Token));

    [Fact]
    public async Task Open_ByManyServersAtOnceOnAFreshDatabase_CreatesTheSchemaOnce()
    {
        var fresh = await server.CreateDatabaseAsync(options: null, Token);
        try
        {
            var stores = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(
                async () => await PostgresMetaStore.OpenAsync(new PostgresMetaStoreOptions { ConnectionString = fresh }, Token),
                Token)));
            await stores[0].PutAsync("/a", Inline("x"), Token);
            Assert.Equal("x", Text(await stores[7].GetAsync("/a", Token)));
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }

            Assert.Equal(1L, await ScalarAsync(fresh, "SELECT count(*) FROM meta_schema"));
        }
        finally
        {
            await server.DropDatabaseAsync(fresh, CancellationToken.None);
        }
    }

    [Fact]
    public async Task Open_RefusesADatabaseWrittenByANewerVersion()
    {
        await ScalarAsync(ConnectionString, "INSERT INTO meta_schema (version) VALUES (99)");

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => OpenStoreAsync().AsTask());
        Assert.Contains("schema version 99", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_InADatabaseWhoseDefaultCollationIsLinguistic_StillUsesByteOrder()
    {
        var icu = await server.CreateDatabaseAsync("TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C'", Token);
        try
        {
            await using var store = await PostgresMetaStore.OpenAsync(new PostgresMetaStoreOptions { ConnectionString = icu }, Token);
            string[] paths = ["/a/b/x", "/a/b-c", "/a/bc", "/a/B", "/a/b0", "/a/_", "/a/a"];
            foreach (var path in paths)
            {
                await store.PutAsync(path, Inline(path), Token);
            }

            Assert.Equal(Ordinal("b", "b-c", "bc", "B", "b0", "_", "a"), await store.ListAsync("/a", null, 100, Token));
            Assert.Equal(["b0", "bc"], await store.ListAsync("/a", "b-c", 100, Token));
            Assert.True(await store.DeleteAsync("/a/b", Token));
            Assert.Equal(Ordinal("b-c", "bc", "B", "b0", "_", "a"), await store.ListAsync("/a", null, 100, Token));
            Assert.Empty(MetaStoreInvariants.Check(await store.DumpAsync(Token)));
        }
        finally
        {
            await server.DropDatabaseAsync(icu, CancellationToken.None);
        }
    }

    public static TheoryData<string> IndexedStatements { get; } =
    [
        nameof(PostgresSql.ListChildren),
        nameof(PostgresSql.SelectNode),
        nameof(PostgresSql.SelectEntry),
        nameof(PostgresSql.SelectStat),
        nameof(PostgresSql.DeleteDirectoryIfEmpty),
        nameof(PostgresSql.DeleteNodesUnder),
        nameof(PostgresSql.DeleteFragmentsUnder),
        nameof(PostgresSql.DeleteFragmentsOfNode),
    ];

    [Theory]
    [MemberData(nameof(IndexedStatements))]
    public async Task Statements_CanBeServedByIndexesWithoutSequentialScans(string statement)
    {
        var (sql, values) = statement switch
        {
            nameof(PostgresSql.ListChildren) => (PostgresSql.ListChildren, new object[] { "/a", "b", 10 }),
            nameof(PostgresSql.SelectNode) => (PostgresSql.SelectNode, ["/", "a"]),
            nameof(PostgresSql.SelectEntry) => (PostgresSql.SelectEntry, ["/", "a"]),
            nameof(PostgresSql.SelectStat) => (PostgresSql.SelectStat, ["/", "a"]),
            nameof(PostgresSql.DeleteDirectoryIfEmpty) => (PostgresSql.DeleteDirectoryIfEmpty, ["/", "a", "/a"]),
            nameof(PostgresSql.DeleteNodesUnder) => (PostgresSql.DeleteNodesUnder, ["/a", "/a/", "/a0"]),
            nameof(PostgresSql.DeleteFragmentsUnder) => (PostgresSql.DeleteFragmentsUnder, ["/a", "/a/", "/a0"]),
            nameof(PostgresSql.DeleteFragmentsOfNode) => (PostgresSql.DeleteFragmentsOfNode, [1L]),
            _ => throw new ArgumentOutOfRangeException(nameof(statement)),
        };

        var plan = await ((PostgresMetaStore)Store).ExplainAsync(sql, values, Token);

        Assert.DoesNotContain("Seq Scan", plan, StringComparison.Ordinal);
        Assert.Contains("Index", plan, StringComparison.Ordinal);
        if (statement == nameof(PostgresSql.ListChildren))
        {
            Assert.Contains("Index Only Scan using meta_nodes_children", plan, StringComparison.Ordinal);
            Assert.DoesNotContain("Sort", plan, StringComparison.Ordinal);
        }
    }

    private static async Task<object?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
    }
}
