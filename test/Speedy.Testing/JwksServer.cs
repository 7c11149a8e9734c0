using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speedy.Auth;

namespace Speedy.Testing;

/// <summary>A JWKS endpoint on a real Kestrel on loopback, whose document, status and delay the test controls, counting its requests.</summary>
public sealed class JwksServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private JwksServer(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>The key set served; null answers 503.</summary>
    public string? Document { get; set; }

    /// <summary>How long each answer waits, so concurrent fetches overlap.</summary>
    public TimeSpan Delay { get; set; }

    public static async Task<JwksServer> StartAsync(string? document, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        JwksServer? server = null;
        app.Run(async context =>
        {
            Interlocked.Increment(ref server!._requests);
            await Task.Delay(server.Delay, context.RequestAborted);
            if (server.Document is not { } body)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return;
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(body, context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        server = new JwksServer(app, new Uri(new Uri(address), TokenProtocol.JwksPath)) { Document = document };
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
