using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speedy.Hosting;

namespace Speedy.Registry;

/// <summary>Builds the registry's web application; the CLI runs it, tests host it in memory.</summary>
public static class RegistryHost
{
    /// <param name="options">The validated registry options.</param>
    /// <param name="configure">Last-moment changes to the builder, e.g. a test server instead of Kestrel.</param>
    /// <param name="alongside">
    /// Maps another application into the same host (the index in <c>speedy server</c>): the registry then serves only
    /// <c>/v2</c>, and every other request goes to what this maps, with a body limit of 1 MiB.
    /// </param>
    public static WebApplication Build(RegistryOptions options, Action<WebApplicationBuilder>? configure = null, Action<WebApplication>? alongside = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The host logs "Hosting failed to start" with the whole stack trace at Error, and then StartAsync throws
        // the same exception to its caller: the CLI prints it as one line ("cannot listen on ..."), anything else
        // still surfaces from StartAsync. The category's other Error is a faulted BackgroundService; the registry's
        // one (HttpRegistryEvents) catches and logs what it could throw itself. Its Critical entries (a lifetime
        // callback that threw, a service stopping the host) still show.
        var builder = SpeedyWebHost.CreateBuilder(
            ListenAddress.Parse(options.Listen),
            maxRequestBodySize: null,
            RegistryApplication.ConfigureKestrel,
            listen => RegistryApplication.ConfigureListen(listen, options),
            informationCategory: "Microsoft.Hosting.Lifetime",
            hostLogLevel: LogLevel.Critical);
        builder.Services.AddSpeedyRegistry(options);
        configure?.Invoke(builder);
        var app = builder.Build();
        if (alongside is null)
        {
            app.MapSpeedyRegistry();
        }
        else
        {
            app.MapSpeedyRegistryAlongside(otherBodyLimit: 1 << 20);
            alongside(app);
        }

        return app;
    }
}
