using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speedy.Hosting;

namespace Speedy.ImageServer;

/// <summary>Builds the image server's web application: the stateless fragment access layer in front of the chunk servers.</summary>
public static class ImageServerHost
{
    /// <summary>The name of the pooled HTTP client that talks to chunk servers.</summary>
    internal const string ChunkClient = "chunk";

    /// <param name="options">The settings; validated here.</param>
    /// <param name="topology">Where the groups and needle-id leases come from (the master).</param>
    /// <param name="configure">Last-moment changes to the builder, e.g. a test server instead of Kestrel.</param>
    public static WebApplication Build(ImageServerOptions options, ITopologySource topology, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(topology);
        options.Validate();
        var builder = SpeedyWebHost.CreateBuilder(ListenAddress.ParseFlag(options.Listen, ImageServerOptions.DefaultListen), options.MaxFragmentBytes);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(topology);
        builder.Services.AddSingleton<ImageServerMetrics>();
        builder.Services.AddSingleton<NeedleIdPool>();
        builder.Services.AddSingleton<FragmentWriter>();
        builder.Services.AddSingleton<FragmentReader>();
        builder.Services.AddSingleton<FragmentCache>();
        builder.Services.AddHttpClient(ChunkClient, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = TimeSpan.FromSeconds(5),
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapPut("/v1/fragments", FragmentEndpoints.PutAsync);
        app.MapGet("/v1/fragments/{fid}", FragmentEndpoints.GetAsync);
        app.MapGet("/health", () => "ok");
        return app;
    }
}
