using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Speedy.Index.Keys;
using Speedy.Index.Store;
using Speedy.Index.Tokens;

namespace Speedy.Index;

/// <summary>On start, bootstraps the administrator; then keeps the signing keys rotated (every minute).</summary>
internal sealed class IndexStartup(
    IIndexStore store,
    PasswordHasher hasher,
    IndexConsole console,
    SigningKeyRing keys,
    TimeProvider timeProvider,
    ILogger<IndexStartup> logger) : BackgroundService
{
    private static readonly TimeSpan s_maintenanceInterval = TimeSpan.FromMinutes(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await IndexBootstrap.EnsureAdminAsync(store, hasher, console.Error, cancellationToken);
        Log.Serving(logger, store.GetType().Name, keys.Current.KeyId);
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(s_maintenanceInterval, timeProvider);
        var last = keys.Current.KeyId;
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    keys.Maintain();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
                {
                    Log.KeyMaintenanceFailed(logger, ex);
                    continue;
                }

                if (keys.Current.KeyId != last)
                {
                    last = keys.Current.KeyId;
                    Log.KeysChanged(logger, keys.PublishedKeys.Count, last);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
