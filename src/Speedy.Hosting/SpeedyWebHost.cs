using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Speedy.Hosting;

/// <summary>The web application builder every role starts from: the same console log and the same Kestrel basics.</summary>
public static class SpeedyWebHost
{
    /// <summary>
    /// A slim builder that logs single lines from Warning up (from Information up for
    /// <paramref name="informationCategory"/>), and whose Kestrel sends no Server header and listens on
    /// <paramref name="listen"/> only.
    /// </summary>
    /// <param name="listen">Where to listen.</param>
    /// <param name="maxRequestBodySize">Kestrel's request body limit; <see langword="null"/> for none.</param>
    /// <param name="configureKestrel">The role's other Kestrel settings, applied before it listens.</param>
    /// <param name="configureListen">The role's settings for the endpoint, e.g. TLS and protocols.</param>
    /// <param name="informationCategory">The log category shown from Information up.</param>
    /// <param name="hostLogLevel">
    /// The minimum level of <c>Microsoft.Extensions.Hosting.Internal.Host</c>, which logs "Hosting failed to start"
    /// with the whole stack trace that StartAsync then throws to its caller anyway.
    /// </param>
    public static WebApplicationBuilder CreateBuilder(
        IPEndPoint listen,
        long? maxRequestBodySize,
        Action<KestrelServerOptions>? configureKestrel = null,
        Action<ListenOptions>? configureListen = null,
        string informationCategory = "Speedy",
        LogLevel hostLogLevel = LogLevel.None)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(informationCategory);
        // Speedy reads its own flags and configuration file, never reloads, and the default reload watcher would
        // watch the whole working directory tree: inotify on every subdirectory, so every write under ./data would
        // wake the watcher's thread.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = ["--hostBuilder:reloadConfigOnChange=false"] });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter(informationCategory, LogLevel.Information);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", hostLogLevel);
        builder.Services.AddSingleton<IMemoryPoolFactory<byte>, BlockMemoryPool.Factory>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = maxRequestBodySize;
            configureKestrel?.Invoke(kestrel);
            kestrel.Listen(listen, endpoint => configureListen?.Invoke(endpoint));
        });
        return builder;
    }
}
