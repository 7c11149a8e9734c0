using Microsoft.AspNetCore.Builder;
using Speedy.Hosting;
using Speedy.Index.Store;
using Speedy.Index.Web;

namespace Speedy.Index;

/// <summary>
/// Builds the index's own web application (<c>speedy index</c>): the token service, the JWKS and the web UI (reading
/// the registry at <see cref="IndexOptions.RegistryUrl"/>); tests host it the same way.
/// </summary>
public static class IndexHost
{
    /// <summary>Opens the store the options name: SQLite under <see cref="IndexOptions.IndexDirectory"/> (created), or PostgreSQL.</summary>
    public static async Task<IIndexStore> OpenStoreAsync(IndexOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Database == IndexOptions.PostgresDatabase)
        {
            // Validate() refuses the postgres store without a connection string.
            return await PostgresIndexStore.OpenAsync(options.ConnectionString!, timeProvider, cancellationToken);
        }

        Directory.CreateDirectory(options.IndexDirectory);
        return await SqliteIndexStore.OpenAsync(options.DatabasePath, timeProvider, cancellationToken);
    }

    /// <summary>Opens the store, then builds the application over it.</summary>
    public static async Task<WebApplication> BuildAsync(
        IndexOptions options, Action<WebApplicationBuilder>? configure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var store = await OpenStoreAsync(options, TimeProvider.System, cancellationToken);
        try
        {
            return Build(options, store, configure);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Builds the application over <paramref name="store"/>, which it owns from then on. <paramref name="configure"/>
    /// runs after the index and its web UI are added, so it may add the UI's optional services (the admin health
    /// page's <see cref="Web.Health.IStoreHealth"/>).
    /// </summary>
    public static WebApplication Build(IndexOptions options, IIndexStore store, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        options.Validate();
        var builder = SpeedyWebHost.CreateBuilder(ListenAddress.ParseFlag(options.Listen, IndexOptions.DefaultListen), maxRequestBodySize: 1 << 20);
        builder.Services.AddSpeedyIndex(options, store);
        builder.Services.AddSpeedyIndexWeb(new IndexWebOptions
        {
            RegistryUrl = options.RegistryUrl is null ? null : new Uri(options.RegistryUrl),
            RegistryHost = options.RegistryHost,
            KeysDirectory = options.WebKeysDirectory,
        });
        configure?.Invoke(builder);
        var app = builder.Build();
        app.MapSpeedyIndex();
        app.MapSpeedyIndexWeb();
        return app;
    }
}
