using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Speedy.ChunkServer;

/// <summary>Walks every sealed volume each <see cref="ChunkServerOptions.ScrubInterval"/>, checking every record's CRC at a limited rate.</summary>
internal sealed class SealedVolumeScrubber(ChunkServerOptions options, VolumeSet volumes, ILogger<SealedVolumeScrubber> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.ScrubInterval <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.ScrubInterval);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            foreach (var volume in volumes.Snapshot())
            {
                if (!volume.IsSealed)
                {
                    continue;
                }

                try
                {
                    var report = await volume.ScrubAsync(options.ScrubBytesPerSecond, stoppingToken);
                    Log.Scrubbed(logger, volume.Id.Value, report.Findings.Count);
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException)
                {
                    Log.ScrubFailed(logger, volume.Id.Value, ex);
                }
            }
        }
    }
}
