using Speedy.Testing;

namespace Speedy.MetaServer.Tests;

/// <summary>
/// The conformance suite over HTTP: a <see cref="MetaClient"/> against a real meta server (Kestrel) on a SQLite store.
/// Reopening restarts the server on the same database, as a restarted <c>speedy metaserver</c> would.
/// </summary>
public sealed class RemoteMetaStoreTests : MetaStoreConformanceTests
{
    private readonly TempDirectory _directory = new();
    private TestMetaServer? _server;
    private SqliteMetaStore? _serverStore;

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            if (_server is not null)
            {
                await _server.DisposeAsync();
            }

            _directory.Dispose();
        }
    }

    protected override async ValueTask<IMetaStore> OpenStoreAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
            _server = null;
        }

        _serverStore = await SqliteMetaStore.OpenAsync(
            new SqliteMetaStoreOptions { DatabasePath = _directory.Combine("meta.db"), TimeProvider = Clock }, Token);
        _server = await TestMetaServer.StartAsync(_serverStore, Token);
        return _server.CreateClient();
    }

    protected override async ValueTask<IReadOnlyList<string>> FindInconsistenciesAsync(IMetaStore store)
    {
        Assert.IsType<MetaClient>(store);
        Assert.NotNull(_serverStore);
        return MetaStoreInvariants.Check(await _serverStore.DumpAsync(Token));
    }
}
