using Speedy.Volume.Format;
using Speedy.Volume.IO;

namespace Speedy.Volume;

public sealed partial class NeedleVolume
{
    /// <summary>
    /// Reads every durable record and checks its header, data CRC-32C and padding, reporting the ones that fail and
    /// whether each is the needle's current version. Meant to be run in the background over sealed volumes, where
    /// needles are no longer read back by the writes that made them; it works on any volume, up to its durable end.
    /// </summary>
    /// <param name="bytesPerSecond">A cap on the read rate, so scrub does not starve reads; 0 for none.</param>
    /// <param name="cancellationToken">Stops the scrub between records.</param>
    public async Task<ScrubReport> ScrubAsync(long bytesPerSecond = 0, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerSecond);
        long end;
        lock (_lock)
        {
            ThrowIfClosedLocked();
            end = _durable;
        }

        var handle = AcquireHandle();
        try
        {
            var findings = new List<ScrubFinding>();
            long records = 0;
            var started = _options.TimeProvider.GetTimestamp();
            using var scanner = new RecordScanner(handle, Superblock.Size, end);
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (bytesPerSecond > 0)
                {
                    var due = TimeSpan.FromSeconds((double)(scanner.Position - Superblock.Size) / bytesPerSecond);
                    var wait = due - _options.TimeProvider.GetElapsedTime(started);
                    if (wait > TimeSpan.Zero)
                    {
                        await Task.Delay(wait, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
                    }
                }

                if (!scanner.TryNext(out var check))
                {
                    break;
                }

                records++;
                if (check == RecordCheck.Valid)
                {
                    continue;
                }

                if (check == RecordCheck.BadData)
                {
                    var id = scanner.Header.Id;
                    findings.Add(new ScrubFinding(scanner.RecordOffset, id, IsCurrent(id, scanner.RecordOffset), "data fails its CRC-32C or padding"));
                    scanner.Skip();
                    continue;
                }

                findings.Add(new ScrubFinding(scanner.Position, null, false, check == RecordCheck.BadHeader ? "bad header" : "record runs past the durable end"));
                break;
            }

            return new ScrubReport(scanner.Position - Superblock.Size, records, findings);
        }
        finally
        {
            handle.DangerousRelease();
        }
    }
}
