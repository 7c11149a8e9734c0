using System.Threading.Channels;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Speedy.ChunkServer.Tests.Harness;

/// <summary>A tiny master on real Kestrel that only takes <c>POST /v1/heartbeat</c> and keeps what it received.</summary>
public sealed class FakeMaster : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly Channel<Heartbeat> _heartbeats;

    private FakeMaster(WebApplication app, Channel<Heartbeat> heartbeats, Uri url)
    {
        _app = app;
        _heartbeats = heartbeats;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<FakeMaster> StartAsync(CancellationToken cancellationToken)
    {
        var heartbeats = Channel.CreateUnbounded<Heartbeat>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapPost("/v1/heartbeat", async (HttpContext context) =>
        {
            var heartbeat = await context.Request.ReadFromJsonAsync(ChunkJsonContext.Default.Heartbeat, context.RequestAborted);
            if (heartbeat is null)
            {
                return Results.BadRequest();
            }

            heartbeats.Writer.TryWrite(heartbeat);
            return Results.NoContent();
        });
        await app.StartAsync(cancellationToken);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>();
        Assert.NotNull(addresses);
        return new FakeMaster(app, heartbeats, new Uri(Assert.Single(addresses.Addresses)));
    }

    /// <summary>The next heartbeat that satisfies <paramref name="predicate"/>, waiting at most <paramref name="timeout"/>.</summary>
    public async Task<Heartbeat> NextAsync(Func<Heartbeat, bool> predicate, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            while (true)
            {
                var heartbeat = await _heartbeats.Reader.ReadAsync(limit.Token);
                if (predicate(heartbeat))
                {
                    return heartbeat;
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"no matching heartbeat reached the fake master within {timeout}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync(CancellationToken.None);
        await _app.DisposeAsync();
    }
}
