using Speedy.Index.Store;

namespace Speedy.Index.Tests;

/// <summary>The conformance suite on <see cref="PostgresIndexStore"/>, each test in a fresh database of a private server.</summary>
public sealed class PostgresIndexStoreTests(PostgresFixture server) : IndexStoreConformanceTests, IClassFixture<PostgresFixture>
{
    private string? _connectionString;

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

    protected override async Task<IIndexStore> OpenStoreAsync() =>
        await PostgresIndexStore.OpenAsync(
            _connectionString ?? throw new InvalidOperationException("created in InitializeAsync"), Clock, Token);

    [Fact]
    public async Task Open_ByManyInstancesAtOnce_CreatesTheSchemaOnce()
    {
        var stores = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => OpenStoreAsync()));
        await stores[0].CreateUserAsync("alice", "hash", isAdmin: false, Token);
        Assert.NotNull(await stores[3].GetAccountAsync("alice", Token));
        foreach (var store in stores)
        {
            await store.DisposeAsync();
        }
    }
}
