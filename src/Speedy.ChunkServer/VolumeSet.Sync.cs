using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Speedy.IO;
using Speedy.Volume;

namespace Speedy.ChunkServer;

/// <summary>
/// The replacement facet. A server started with <see cref="ChunkServerOptions.Replaces"/> on directories that hold no
/// volume is <em>syncing</em>: it creates no volumes of its own and refuses every needle request until
/// <see cref="ReplicaSync"/> has copied and verified the group's volumes and calls <see cref="FinishSync"/>. The state
/// is the file <c>syncing</c> in the first directory, created (and its directory synced) before anything is copied and
/// removed only after the copy is verified, so a replacement that stops half-way is still syncing when it starts again.
/// Also here: one gate per volume, held by whatever must not run while the data file changes under it (compaction, a
/// listing of its needles, an in-place repair).
/// </summary>
internal sealed partial class VolumeSet
{
    /// <summary>The file that marks an unfinished copy, in the first directory.</summary>
    public const string SyncMarker = "syncing";

    private readonly ConcurrentDictionary<VolumeId, SemaphoreSlim> _gates = new();
    private volatile bool _syncing;

    /// <summary>True while this server copies its group's volumes and takes no reads or writes.</summary>
    public bool IsSyncing => _syncing;

    /// <summary>Refuses a needle request while the server is syncing: its volumes are not all there yet.</summary>
    /// <exception cref="ChunkRequestException">503.</exception>
    public void ThrowIfSyncing()
    {
        if (_syncing)
        {
            throw new ChunkRequestException(
                StatusCodes.Status503ServiceUnavailable,
                "this server is syncing: it is copying its group's volumes and takes no reads or writes until they are verified");
        }
    }

    /// <summary>The gate of one volume: compaction, listing its needles and repairing one in place take it in turn.</summary>
    public SemaphoreSlim GateOf(VolumeId id) => _gates.GetOrAdd(id, static _ => new SemaphoreSlim(1, 1));

    /// <summary>The path of a volume's data file.</summary>
    public string DataPathOf(VolumeId id) => Path.Combine(DirectoryOf(id), $"{id}.dat");

    /// <summary>Never hand out needle ids at or below <paramref name="id"/>, also after a restart (ids copied from a peer).</summary>
    public void ObserveNeedleId(ulong id) => _needleIds.Observe(id);

    /// <summary>
    /// The volume to copy a peer's volume <paramref name="id"/> into: the one already here (an earlier, unfinished
    /// copy), or a new one of the peer's size in the directory with the most room for <paramref name="bytes"/>.
    /// </summary>
    /// <exception cref="VolumeFullException">No directory has room for it.</exception>
    public NeedleVolume GetOrCreateCopy(VolumeId id, long maxSize, long bytes)
    {
        lock (_lock)
        {
            if (_volumes.TryGetValue(id, out var volume))
            {
                return volume;
            }

            if (!TryCreateVolumeLocked(id, bytes, out volume, out var why, maxSize))
            {
                throw new VolumeFullException($"cannot create volume {id} to copy it: {why}");
            }

            _nextVolume = Math.Max(_nextVolume, id.Value + 1);
            return volume;
        }
    }

    /// <summary>
    /// Ends syncing: the copy is verified. Tops up the writable volumes, then removes the marker (syncing the
    /// directory), and only then takes requests.
    /// </summary>
    public void FinishSync()
    {
        lock (_lock)
        {
            RefreshWritableLocked(out _);
        }

        var directory = _options.Directories[0];
        File.Delete(Path.Combine(directory, SyncMarker));
        DirectorySync.Flush(directory);
        _syncing = false;
    }

    /// <summary>
    /// Whether a server starts syncing: it left a copy unfinished, or it replaces a member and holds no volume yet
    /// (then the marker is made durable here, before anything is copied).
    /// </summary>
    /// <exception cref="InvalidDataException">A copy is unfinished, but no master is configured to find the peers it copies from.</exception>
    private static bool StartsSyncing(ChunkServerOptions options)
    {
        var directory = options.Directories[0];
        var marker = Path.Combine(directory, SyncMarker);
        if (File.Exists(marker))
        {
            return options.Masters.Count > 0
                ? true
                : throw new InvalidDataException($"{marker}: this server has not finished copying its group's volumes; start it with --master to let it finish");
        }

        if (options.Replaces is null || HoldsVolumes(options.Directories))
        {
            return false;
        }

        using (File.Create(marker))
        {
        }

        DirectorySync.Flush(directory);
        return true;
    }

    private static bool HoldsVolumes(List<string> directories)
    {
        foreach (var directory in directories)
        {
            if (Directory.EnumerateFiles(directory, "*.dat").Any())
            {
                return true;
            }
        }

        return false;
    }
}
