using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Speedy.ChunkServer;

/// <summary>
/// Reports this server's state to every configured master each interval (<c>POST {master}/v1/heartbeat</c>): its
/// volumes, whether it is still syncing, and the member it replaces. A master answers with the members of the group,
/// which become this server's <see cref="GroupPeers"/>. Masters keep soft state rebuilt from heartbeats, so a master
/// that is away simply misses a few; failures are logged and retried next interval. Without masters the server runs
/// standalone and this does nothing.
/// </summary>
internal sealed class MasterHeartbeat(ChunkServerOptions options, VolumeSet volumes, GroupPeers peers, IHttpClientFactory clients, ILogger<MasterHeartbeat> logger)
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
                VolumeEndpoints.Statuses(volumes))
            {
                Syncing = volumes.IsSyncing,
                Replaces = options.Replaces?.TrimEnd('/'),
            };
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
            if (!response.IsSuccessStatusCode)
            {
                Log.HeartbeatRefused(logger, master, (int)response.StatusCode, await ErrorOfAsync(response, cancellationToken));
                return;
            }

            // A master of an earlier version answers 204 without the group.
            if (response.StatusCode == HttpStatusCode.OK
                && await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.HeartbeatAnswer, cancellationToken) is { Members: { } members })
            {
                peers.Update(members);
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or JsonException or NotSupportedException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Log.HeartbeatFailed(logger, master, ex.Message);
        }
    }

    /// <summary>The master's <c>{"error"}</c>, or the status when the body is not one (a proxy's page, say).</summary>
    private static async Task<string> ErrorOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync(ChunkJsonContext.Default.ChunkError, cancellationToken);
            return error?.Error ?? string.Empty;
        }
        catch (JsonException)
        {
            return $"HTTP {(int)response.StatusCode} without an error body";
        }
    }
}
