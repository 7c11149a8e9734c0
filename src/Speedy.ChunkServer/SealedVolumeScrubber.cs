using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Speedy.ChunkServer;

/// <summary>
/// Walks every sealed volume each <see cref="ChunkServerOptions.ScrubInterval"/>, checking every record's CRC at a
/// limited rate, and hands what it finds to the <see cref="NeedleRepairer"/>.
/// </summary>
internal sealed class SealedVolumeScrubber(ChunkServerOptions options, VolumeSet volumes, NeedleRepairer repairer, ILogger<SealedVolumeScrubber> logger)
    : BackgroundService
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
            if (volumes.IsSyncing)
            {
                continue;
            }

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
                    foreach (var finding in report.Findings)
                    {
                        repairer.Report(volume, finding);
                    }
                }
                catch (Exception ex) when (ex is IOException or ObjectDisposedException or UnauthorizedAccessException)
                {
                    Log.ScrubFailed(logger, volume.Id.Value, ex);
                }
            }
        }
    }
}
