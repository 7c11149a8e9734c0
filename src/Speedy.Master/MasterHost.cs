using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speedy.Hosting;

namespace Speedy.Master;

/// <summary>Builds the master's web application: membership from heartbeats, the topology, and needle-id leases.</summary>
public static class MasterHost
{
    /// <param name="options">Validated options.</param>
    /// <param name="configure">Last-moment changes to the builder, e.g. a test server instead of Kestrel, or another <see cref="TimeProvider"/>.</param>
    public static WebApplication Build(MasterOptions options, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = SpeedyWebHost.CreateBuilder(ListenAddress.ParseFlag(options.Listen, MasterOptions.DefaultListen), 16L << 20);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<Membership>();
        builder.Services.AddSingleton(services => new NeedleIdLeaser(options.Index, services.GetRequiredService<TimeProvider>()));
        configure?.Invoke(builder);

        var app = builder.Build();
        var membership = app.Services.GetRequiredService<Membership>();
        app.Services.GetRequiredService<NeedleIdLeaser>();
        Log.Started(app.Services.GetRequiredService<ILogger<Membership>>(), options.Index, membership.Identity.Instance);
        app.MapPost("/v1/heartbeat", HeartbeatEndpoints.PostAsync);
        app.MapGet("/v1/topology", TopologyEndpoints.Get);
        app.MapPost("/v1/leases/needle-ids", LeaseEndpoints.Post);
        app.MapDelete("/v1/groups/{group}/members", MemberEndpoints.Delete);
        app.MapGet("/health", TopologyEndpoints.Health);
        return app;
    }
}
