using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speedy.Hosting;

namespace Speedy.ChunkServer;

/// <summary>
/// Builds the chunk server's web application: the volumes, the HTTP API, the heartbeat, the scrubber, the repairer of
/// corrupt needles and, for a replacement, the copy of its group's volumes.
/// </summary>
public static class ChunkServerHost
{
    /// <param name="options">Validated options.</param>
    /// <param name="configure">Last-moment changes to the builder, e.g. a test server instead of Kestrel.</param>
    public static WebApplication Build(ChunkServerOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = SpeedyWebHost.CreateBuilder(ChunkServerOptions.ParseEndPoint(options.Listen), maxRequestBodySize: null);
        // A route value that does not bind (POST /volumes/abc/compact) throws, so the middleware answers 400 with a body.
        builder.Services.Configure<RouteHandlerOptions>(routes => routes.ThrowOnBadRequest = true);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(_ => VolumeSet.Open(options));
        builder.Services.AddSingleton<GroupPeers>();
        builder.Services.AddSingleton<NeedleRepairer>();
        builder.Services.AddHttpClient(nameof(MasterHeartbeat), client => client.Timeout = TimeSpan.FromSeconds(5));
        builder.Services.AddHttpClient(NeedleEndpoints.ReplicationClient, client => client.Timeout = TimeSpan.FromMinutes(2))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        builder.Services.AddHostedService<MasterHeartbeat>();
        builder.Services.AddHostedService<SealedVolumeScrubber>();
        builder.Services.AddHostedService(services => services.GetRequiredService<NeedleRepairer>());
        builder.Services.AddHostedService<ReplicaSync>();
        configure?.Invoke(builder);

        var app = builder.Build();
        var volumes = app.Services.GetRequiredService<VolumeSet>();
        Log.Opened(app.Services.GetRequiredService<ILogger<VolumeSet>>(), options.Group, volumes.Snapshot().Count, string.Join(", ", options.Directories));
        app.UseMiddleware<ChunkServerMiddleware>();
        app.MapPost("/needles", NeedleEndpoints.PostAsync);
        app.MapPut("/needles/{fid}", NeedleEndpoints.PutAsync);
        app.MapMethods("/needles/{fid}", [HttpMethods.Get, HttpMethods.Head], NeedleEndpoints.GetAsync);
        app.MapDelete("/needles/{fid}", NeedleEndpoints.DeleteAsync);
        app.MapGet("/volumes", VolumeEndpoints.List);
        app.MapGet("/volumes/{id}/needles", VolumeEndpoints.ManifestAsync);
        app.MapPost("/volumes/{id}/compact", VolumeEndpoints.CompactAsync);
        app.MapPost("/volumes/{id}/seal", VolumeEndpoints.SealAsync);
        app.MapGet("/health", VolumeEndpoints.Health);
        app.Lifetime.ApplicationStopped.Register(() => volumes.DisposeAsync().AsTask().GetAwaiter().GetResult());
        return app;
    }
}
