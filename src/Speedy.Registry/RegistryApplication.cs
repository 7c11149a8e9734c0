using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Speedy.Auth;
using Speedy.Hosting;
using Speedy.MetaServer;
using Speedy.Registry.Auth;
using Speedy.Registry.Events;
using Speedy.Registry.Http;
using Speedy.Registry.Storage;
using Speedy.Registry.Uploads;
using Speedy.Storage;
using Speedy.Storage.Cluster;
using Speedy.Storage.Filesystem;
using Speedy.Storage.Memory;

namespace Speedy.Registry;

/// <summary>Wires the registry into an ASP.NET Core application: services, Kestrel and the <c>/v2/</c> routes.</summary>
public static class RegistryApplication
{
    private const string JwksClient = "speedy-jwks";
    private const string EventsClient = "speedy-events";

    /// <summary>Registers the registry's services over the driver the options name.</summary>
    public static IServiceCollection AddSpeedyRegistry(this IServiceCollection services, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.AddSingleton(sp => CreateDriver(options, sp));
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<RegistryStore>();
        services.AddSingleton<UploadSessions>();
        services.AddSingleton(sp => new UploadLocationSigner(sp.GetRequiredService<IStorageDriver>(), options.UploadSecret));
        services.AddSingleton<RegistryContext>();
        AddEventForwarding(services, options.Events);
        services.TryAddSingleton<IRegistryEvents, NoRegistryEvents>();
        services.AddSingleton<RegistryEventPublisher>();
        AddAuthorization(services, options.Auth);
        return services;
    }

    /// <summary>
    /// Adds the error middleware and the registry as the terminal handler of every request: the router reads the
    /// raw request target itself (see <see cref="RegistryRouter"/>), and unknown paths get the error JSON too.
    /// </summary>
    public static WebApplication MapSpeedyRegistry(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.UseMiddleware<RegistryMiddleware>();
        var registry = app.Services.GetRequiredService<RegistryContext>();
        app.Run(context => RegistryRouter.HandleAsync(context, registry));
        return app;
    }

    /// <summary>
    /// Serves the registry under <c>/v2</c> only, next to another application in the same host (the index in
    /// <c>speedy server</c>), whose requests get <paramref name="otherBodyLimit"/> as their body limit: the
    /// registry's uploads have none.
    /// </summary>
    public static WebApplication MapSpeedyRegistryAlongside(this WebApplication app, long otherBodyLimit)
    {
        ArgumentNullException.ThrowIfNull(app);
        var registry = app.Services.GetRequiredService<RegistryContext>();
        app.MapWhen(
            static context => context.Request.Path.StartsWithSegments("/v2", StringComparison.Ordinal),
            branch =>
            {
                branch.UseMiddleware<RegistryMiddleware>();
                branch.Run(context => RegistryRouter.HandleAsync(context, registry));
            });
        app.Use((context, next) =>
        {
            if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            {
                limit.MaxRequestBodySize = otherBodyLimit;
            }

            return next(context);
        });
        return app;
    }

    /// <summary>The registry's Kestrel limits beyond <see cref="SpeedyWebHost"/>'s: no minimum body data rate.</summary>
    public static void ConfigureKestrel(KestrelServerOptions kestrel)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        kestrel.Limits.MinRequestBodyDataRate = null;
        kestrel.Limits.MaxResponseBufferSize = 256 << 10;
    }

    /// <summary>
    /// TLS (HTTP/1.1 and HTTP/2) on the listen endpoint when a PEM certificate and key are set, else HTTP/1.1 — and,
    /// on the filesystem driver, blob bodies sent with <c>sendfile</c> (<see cref="SendFileConnection"/>). Only there:
    /// the other drivers' bodies come from buffers, which Kestrel's own socket output sends better (4 MiB fragments
    /// through the sendfile writer's stream pulled at a quarter of the rate).
    /// </summary>
    public static void ConfigureListen(ListenOptions listen, RegistryOptions options)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Tls.Enabled)
        {
            var certificate = X509Certificate2.CreateFromPemFile(options.Tls.Certificate!, options.Tls.Key);
            listen.Protocols = HttpProtocols.Http1AndHttp2;
            listen.UseHttps(certificate);
        }
        else
        {
            listen.Protocols = HttpProtocols.Http1;
            if (options.Storage == "filesystem")
            {
                listen.Use(SendFileConnection.Middleware);
            }
        }
    }

    /// <summary>
    /// With <see cref="EventsOptions.Url"/> set, the events go to that index over HTTP (<see cref="HttpRegistryEvents"/>)
    /// instead of nowhere; a sink registered after this call still takes their place.
    /// </summary>
    private static void AddEventForwarding(IServiceCollection services, EventsOptions events)
    {
        if (!events.Enabled)
        {
            return;
        }

        // One client for the process's life, as the JWKS one: connections are renewed so a moved index is found.
        services.AddHttpClient(EventsClient, client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
        services.AddSingleton(sp => new HttpRegistryEvents(
            events,
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(EventsClient),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<HttpRegistryEvents>>()));
        services.TryAddSingleton<IRegistryEvents>(sp => sp.GetRequiredService<HttpRegistryEvents>());
        services.AddHostedService(sp => sp.GetRequiredService<HttpRegistryEvents>());
    }

    /// <summary>
    /// The authorization step of <see cref="AuthOptions.Mode"/>. Token mode validates against the registered
    /// <see cref="ISigningKeySource"/> (<c>speedy server</c> registers the index's keys in process, after this call),
    /// else against the JWKS that <see cref="AuthOptions.Jwks"/> names, fetched over HTTP.
    /// </summary>
    private static void AddAuthorization(IServiceCollection services, AuthOptions auth)
    {
        if (auth.Mode == AuthModes.Token)
        {
            // The key source keeps its one client for the process's life; connections are renewed so a moved index is found.
            services.AddHttpClient(JwksClient, client => client.Timeout = TimeSpan.FromSeconds(10))
                .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
                .SetHandlerLifetime(Timeout.InfiniteTimeSpan);
            services.TryAddSingleton<ISigningKeySource>(sp => new JwksKeySource(
                new Uri(auth.Jwks ?? throw new InvalidOperationException("token authentication needs Auth:Jwks (--auth-jwks) or a registered ISigningKeySource")),
                sp.GetRequiredService<IHttpClientFactory>().CreateClient(JwksClient),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<JwksKeySource>>()));
        }

        services.AddSingleton(sp => RegistryAuthorization.Create(
            auth,
            sp.GetRequiredService<ILogger<RegistryAuthorization>>(),
            sp.GetRequiredService<ISigningKeySource>,
            () => new HtpasswdAuthenticator(
                auth.Htpasswd ?? throw new InvalidOperationException("htpasswd authentication needs Auth:Htpasswd (--htpasswd)"),
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILogger<HtpasswdAuthenticator>>())));
    }

    private static IStorageDriver CreateDriver(RegistryOptions options, IServiceProvider services) => options.Storage switch
    {
        "filesystem" => new FilesystemStorageDriver(Path.GetFullPath(Path.Combine(options.Data, "registry")), options.DirectWrites),
        "memory" => new MemoryStorageDriver(),
        "speedy" => new ClusterStorageDriver(options.Cluster, services.GetService<ILocalFragmentSource>(), services.GetService<IMetaStore>()),
        _ => throw new InvalidOperationException($"unknown storage driver \"{options.Storage}\"; use filesystem, memory or speedy"),
    };
}
