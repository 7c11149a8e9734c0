using System.Net.Http.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Speedy.ChunkServer;

/// <summary>
/// Reports this server's state to every configured master each interval (<c>POST {master}/v1/heartbeat</c>).
/// Masters keep soft state rebuilt from heartbeats, so a master that is away simply misses a few; failures are
/// logged and retried next interval. Without masters the server runs standalone and this does nothing.
/// </summary>
internal sealed class MasterHeartbeat(ChunkServerOptions options, VolumeSet volumes, IHttpClientFactory clients, ILogger<MasterHeartbeat> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Masters.Count == 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        do
        {
            var heartbeat = new Heartbeat(
                options.Group,
                options.EffectivePublicUrl,
                volumes.TotalFreeBytes(),
                ThreadPool.PendingWorkItemCount > int.MaxValue ? int.MaxValue : (int)ThreadPool.PendingWorkItemCount,
                volumes.NeedleIdHighWaterMark,
                VolumeEndpoints.Statuses(volumes));
            foreach (var master in options.Masters)
            {
                await SendAsync(master, heartbeat, stoppingToken);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <summary><c>{master}/v1/heartbeat</c>, keeping a path the master is served under (behind a proxy, say).</summary>
    internal static Uri HeartbeatUrl(string master) => new(new Uri(master.EndsWith('/') ? master : master + "/"), "v1/heartbeat");

    private async Task SendAsync(string master, Heartbeat heartbeat, CancellationToken cancellationToken)
    {
        try
        {
            using var client = clients.CreateClient(nameof(MasterHeartbeat));
            using var response = await client.PostAsJsonAsync(HeartbeatUrl(master), heartbeat, ChunkJsonContext.Default.Heartbeat, cancellationToken);
            response.EnsureSuccessStatusCode();
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.HeartbeatFailed(logger, master, ex.Message);
        }
    }
}
