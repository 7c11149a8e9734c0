using System.Text;
using Speedy.IO;
using Speedy.Volume.IO;

namespace Speedy.Volume;

public sealed partial class NeedleVolume
{
    /// <summary>
    /// Seals the volume: it takes no more needles (deletes still go in), and stays sealed when reopened. Appends
    /// already under way finish.
    /// </summary>
    public Task SealAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (_closing || _crashed)
            {
                throw new ObjectDisposedException(nameof(NeedleVolume), $"Volume {Id} is closed.");
            }

            SealLocked(SealReason.Requested);
        }

        PersistSeal();
        return Task.CompletedTask;
    }

    /// <summary>
    /// Writes <c>{id}.sealed</c> holding the reason, through a temporary file, and syncs the directory. When the disk
    /// has no room even for that, an empty marker (an inode, no data block) stands for <see cref="SealReason.DiskFull"/>.
    /// </summary>
    private static void WriteSealMarker(VolumePaths paths, SealReason reason)
    {
        var temporary = VolumePaths.Temporary(paths.Sealed);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write))
            {
                stream.Write(Encoding.ASCII.GetBytes(reason.ToString()));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, paths.Sealed, overwrite: true);
        }
        catch (IOException e) when (e.HResult is LibC.ENOSPC or LibC.EDQUOT)
        {
            File.Delete(temporary);
            using (File.Create(paths.Sealed))
            {
            }
        }

        DirectorySync.Flush(paths.Directory);
    }

    private static SealReason ReadSealMarker(VolumePaths paths)
    {
        if (!File.Exists(paths.Sealed))
        {
            return SealReason.None;
        }

        var text = File.ReadAllText(paths.Sealed).Trim();
        if (text.Length == 0)
        {
            return SealReason.DiskFull;
        }

        return Enum.TryParse<SealReason>(text, out var reason) && reason != SealReason.None ? reason : SealReason.Requested;
    }
}
