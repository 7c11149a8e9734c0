using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speedy.Hosting;

namespace Speedy.MetaServer;

/// <summary>Builds the meta server's web application: an <see cref="IMetaStore"/> behind the HTTP API of <see cref="MetaEndpoints"/>.</summary>
public static class MetaServerHost
{
    /// <summary>Opens the store <paramref name="options"/> names, then builds the application over it.</summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="configure">Last-moment changes to the builder, e.g. other logging.</param>
    /// <param name="cancellationToken">Cancels opening the store.</param>
    public static async Task<WebApplication> BuildAsync(
        MetaServerOptions options, Action<WebApplicationBuilder>? configure, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var store = await OpenStoreAsync(options, cancellationToken);
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
    /// Opens the store <paramref name="options"/> names: SQLite at <see cref="MetaServerOptions.DatabasePath"/>
    /// (creating the data directory), or PostgreSQL at <see cref="MetaServerOptions.ConnectionString"/>.
    /// </summary>
    public static async Task<IMetaStore> OpenStoreAsync(MetaServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        if (options.Store == MetaServerOptions.PostgresStore)
        {
            // Validate() refuses the postgres store without a connection string.
            return await PostgresMetaStore.OpenAsync(new PostgresMetaStoreOptions { ConnectionString = options.ConnectionString! }, cancellationToken);
        }

        Directory.CreateDirectory(options.Data);
        return await SqliteMetaStore.OpenAsync(new SqliteMetaStoreOptions { DatabasePath = options.DatabasePath }, cancellationToken);
    }

    /// <summary>
    /// Builds the application over <paramref name="store"/>, which it owns from then on: disposing the application
    /// disposes the store.
    /// </summary>
    /// <param name="options">The settings; validated here.</param>
    /// <param name="store">The store to serve, e.g. from <see cref="OpenStoreAsync"/>.</param>
    /// <param name="configure">Last-moment changes to the builder, e.g. other logging.</param>
    public static WebApplication Build(MetaServerOptions options, IMetaStore store, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        options.Validate();
        var builder = SpeedyWebHost.CreateBuilder(
            ListenAddress.ParseFlag(options.Listen, MetaServerOptions.DefaultListen),
            MetaProtocol.MaxJsonBodyBytes,
            // A path of 2 KiB of UTF-8 is up to 6 KiB URL-encoded: more than the default 8 KiB request line leaves.
            kestrel => kestrel.Limits.MaxRequestLineSize = 16 * 1024);
        // Registered through a factory so that the container owns the store and disposes it with the application.
        builder.Services.AddSingleton(_ => store);
        builder.Services.AddSingleton(options);
        configure?.Invoke(builder);

        var app = builder.Build();
        app.Services.GetRequiredService<IMetaStore>();
        Log.Serving(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(MetaServerHost)), store.GetType().Name);
        app.UseMiddleware<MetaServerMiddleware>();
        app.MapGet(MetaProtocol.EntryRoute, MetaEndpoints.GetAsync);
        app.MapMethods(MetaProtocol.EntryRoute, [HttpMethods.Head], MetaEndpoints.StatAsync);
        app.MapPut(MetaProtocol.EntryRoute, MetaEndpoints.PutAsync);
        app.MapDelete(MetaProtocol.EntryRoute, MetaEndpoints.DeleteAsync);
        app.MapPost(MetaProtocol.FragmentsRoute, MetaEndpoints.AppendFragmentsAsync);
        app.MapGet(MetaProtocol.ListRoute, MetaEndpoints.ListAsync);
        app.MapPost(MetaProtocol.MoveRoute, MetaEndpoints.MoveAsync);
        app.MapGet(MetaProtocol.HealthRoute, static () => Results.Ok());
        return app;
    }
}
