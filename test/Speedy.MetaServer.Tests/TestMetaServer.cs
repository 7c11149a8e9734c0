using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speedy.Testing;

namespace Speedy.MetaServer.Tests;

/// <summary>
/// A meta server in this process, built by <see cref="MetaServerHost.Build"/> as <c>speedy metaserver</c> builds it,
/// on real Kestrel at a free loopback port. It owns its store: disposing it stops the server and closes the store.
/// </summary>
public sealed class TestMetaServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _disposed;

    private TestMetaServer(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    /// <summary>The server's base URL, <c>http://127.0.0.1:PORT/</c>.</summary>
    public Uri Address { get; }

    public static async Task<TestMetaServer> StartAsync(IMetaStore store, CancellationToken cancellationToken)
    {
        var options = new MetaServerOptions { Listen = "127.0.0.1:0" };
        var app = MetaServerHost.Build(options, store, builder => builder.Logging.ClearProviders());
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        Assert.NotNull(addresses);
        return new TestMetaServer(app, new Uri(Assert.Single(addresses.Addresses) + "/"));
    }

    /// <summary>A SQLite-backed server on a new database in <paramref name="directory"/>.</summary>
    public static async Task<TestMetaServer> StartSqliteAsync(TempDirectory directory, CancellationToken cancellationToken)
    {
        var store = await SqliteMetaStore.OpenAsync(new SqliteMetaStoreOptions { DatabasePath = directory.Combine("meta.db") }, cancellationToken);
        return await StartAsync(store, cancellationToken);
    }

    /// <summary>A client of this server, trying <paramref name="before"/> first, in order.</summary>
    public MetaClient CreateClient(params Uri[] before) =>
        new(new MetaClientOptions { Servers = [.. before, Address] });

    /// <summary>A raw HTTP client of this server, for status codes and bodies.</summary>
    public HttpClient CreateHttpClient() => new() { BaseAddress = Address };

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
