using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Microsoft.AspNetCore.Http;
using Speedy.Volume;

namespace Speedy.ChunkServer;

/// <summary>
/// The volumes of one chunk server across its directories: opens what is on disk at start, keeps
/// <see cref="ChunkServerOptions.WritableVolumes"/> unsealed volumes for new needles (spreading concurrent
/// appends over files), creates a volume when a peer's write names one this server lacks, and hands out file
/// ids. A new volume is only created in a directory with room for it, so a full disk refuses writes with
/// <see cref="VolumeFullException"/> while every volume keeps serving reads. A replacement member's set starts
/// empty and syncing (<c>VolumeSet.Sync.cs</c>). Thread-safe.
/// </summary>
internal sealed partial class VolumeSet : IAsyncDisposable
{
    /// <summary>Free space a directory needs, besides the needle that asks for it, before a new volume is created there.</summary>
    private const long MinFreeForNewVolume = 1L << 20;

    private readonly ChunkServerOptions _options;
    private readonly GroupId _group;
    private readonly Dictionary<VolumeId, NeedleVolume> _volumes = [];
    private readonly Dictionary<VolumeId, string> _directories = [];
    private readonly Lock _lock = new();
    private readonly NeedleIdAllocator _needleIds;
    private NeedleVolume[] _writable = [];
    private uint _nextVolume = 1;
    private int _roundRobin;
    private long _maxNeedleLength;

    private VolumeSet(ChunkServerOptions options, NeedleIdAllocator needleIds)
    {
        _options = options;
        _group = new GroupId(options.Group);
        _needleIds = needleIds;
    }

    public GroupId Group => _group;

    public ulong NeedleIdHighWaterMark => _needleIds.HighWaterMark;

    /// <summary>The largest needle a volume of the configured size takes.</summary>
    public long MaxNeedleLength
    {
        get
        {
            lock (_lock)
            {
                return _maxNeedleLength > 0 ? _maxNeedleLength : _options.VolumeSize;
            }
        }
    }

    /// <summary>
    /// Opens every volume found in the directories (recovering each) and tops up the writable set as far as the
    /// disks allow: a server on a full disk still starts, to serve reads.
    /// </summary>
    public static VolumeSet Open(ChunkServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var directory in options.Directories)
        {
            Directory.CreateDirectory(directory);
        }

        var syncing = StartsSyncing(options);
        var set = new VolumeSet(options, new NeedleIdAllocator(options.Directories[0])) { _syncing = syncing };
        try
        {
            foreach (var directory in options.Directories)
            {
                set.OpenDirectory(directory);
            }
        }
        catch
        {
            set.DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }

        if (!syncing)
        {
            lock (set._lock)
            {
                set.RefreshWritableLocked(out _);
            }
        }

        return set;
    }

    /// <summary>A snapshot of every volume, ordered by id.</summary>
    public List<NeedleVolume> Snapshot()
    {
        lock (_lock)
        {
            var list = new List<NeedleVolume>(_volumes.Values);
            list.Sort(static (a, b) => a.Id.Value.CompareTo(b.Id.Value));
            return list;
        }
    }

    /// <summary>The directory a volume lives in.</summary>
    public string DirectoryOf(VolumeId id)
    {
        lock (_lock)
        {
            return _directories.GetValueOrDefault(id, string.Empty);
        }
    }

    public NeedleVolume? Find(VolumeId id)
    {
        lock (_lock)
        {
            return _volumes.GetValueOrDefault(id);
        }
    }

    /// <summary>
    /// A new file id in one of the writable volumes, in turn. Whether the needle fits is the volume's call: one that
    /// cannot take it seals itself as full (<see cref="SealReason.Full"/>) and the caller asks again.
    /// </summary>
    /// <exception cref="ChunkRequestException">413: no volume takes a needle this large.</exception>
    /// <exception cref="VolumeFullException">Every volume is sealed and no directory has room for a new one.</exception>
    public (FileId FileId, NeedleVolume Volume) Assign(long length)
    {
        ThrowIfTooLarge(length);
        lock (_lock)
        {
            string? why = null;
            if (_writable.Length < _options.WritableVolumes || AnySealed(_writable))
            {
                RefreshWritableLocked(out why);
            }

            for (var i = 0; i < _writable.Length; i++)
            {
                var volume = _writable[(_roundRobin++ & int.MaxValue) % _writable.Length];
                if (!volume.IsSealed && length <= volume.MaxNeedleLength)
                {
                    return (NewFileIdLocked(volume), volume);
                }
            }

            // No open volume takes needles this large (they were made smaller, before a change of --volume-size):
            // start one that does.
            if (TryCreateVolumeLocked(new VolumeId(_nextVolume), length, out var created, out var createFailure))
            {
                _nextVolume++;
                _writable = [.. _writable, created];
                return (NewFileIdLocked(created), created);
            }

            throw new VolumeFullException($"no volume can take a needle of {length} bytes: {why ?? createFailure}");
        }
    }

    /// <summary>The volume a peer's write names, created here if this server does not have it yet.</summary>
    /// <exception cref="ChunkRequestException">400: the file id is of another group; 413: the needle is too large.</exception>
    /// <exception cref="VolumeFullException">The volume is new and no directory has room for it.</exception>
    public NeedleVolume GetOrCreate(FileId fileId, long length)
    {
        if (fileId.Group != _group)
        {
            throw new ChunkRequestException(StatusCodes.Status400BadRequest, $"file id {fileId} belongs to group {fileId.Group}, not {_group}");
        }

        lock (_lock)
        {
            if (!_volumes.TryGetValue(fileId.Volume, out var volume))
            {
                ThrowIfTooLarge(length);
                if (!TryCreateVolumeLocked(fileId.Volume, length, out volume, out var why))
                {
                    throw new VolumeFullException($"cannot create volume {fileId.Volume} for file id {fileId}: {why}");
                }

                _nextVolume = Math.Max(_nextVolume, fileId.Volume.Value + 1);
            }
            else if (length > volume.MaxNeedleLength)
            {
                throw new ChunkRequestException(StatusCodes.Status413PayloadTooLarge, $"volume {volume.Id} takes needles of at most {volume.MaxNeedleLength} bytes, not {length}");
            }

            // Durably, before the needle is stored: after a restart this server's own ids start above it.
            _needleIds.Observe(fileId.Needle.Value);
            return volume;
        }
    }

    public async ValueTask DisposeAsync()
    {
        NeedleVolume[] volumes;
        lock (_lock)
        {
            volumes = [.. _volumes.Values];
            _volumes.Clear();
            _writable = [];
        }

        foreach (var volume in volumes)
        {
            await volume.DisposeAsync();
        }

        foreach (var gate in _gates.Values)
        {
            gate.Dispose();
        }
    }

    /// <summary>Free bytes on the filesystem of <paramref name="directory"/>.</summary>
    public static long FreeBytes(string directory)
    {
        try
        {
            return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace;
        }
        catch (IOException)
        {
            return 0;
        }
        catch (UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Free bytes summed over the server's directories, each filesystem once.</summary>
    public long TotalFreeBytes()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var total = 0L;
        foreach (var directory in _options.Directories)
        {
            if (seen.Add(MountPoint.Of(directory)))
            {
                total += FreeBytes(directory);
            }
        }

        return total;
    }

    private static bool AnySealed(NeedleVolume[] volumes)
    {
        foreach (var volume in volumes)
        {
            if (volume.IsSealed)
            {
                return true;
            }
        }

        return false;
    }

    private void ThrowIfTooLarge(long length)
    {
        var max = MaxNeedleLength;
        if (length > max)
        {
            throw new ChunkRequestException(StatusCodes.Status413PayloadTooLarge, $"a needle is at most {max} bytes with volumes of {_options.VolumeSize} bytes, not {length}");
        }
    }

    private FileId NewFileIdLocked(NeedleVolume volume) =>
        new(_group, volume.Id, new NeedleId(_needleIds.Next()), Cookie.NewRandom());

    private void OpenDirectory(string directory)
    {
        foreach (var file in Directory.EnumerateFiles(directory, "*.dat"))
        {
            if (!uint.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var raw))
            {
                continue;
            }

            var id = new VolumeId(raw);
            var volume = NeedleVolume.Open(VolumeOptions(directory), id);
            if (volume.Group != _group)
            {
                volume.DisposeAsync().AsTask().GetAwaiter().GetResult();
                throw new InvalidDataException($"volume {id} in {directory} belongs to group {volume.Group}, not {_group}");
            }

            lock (_lock)
            {
                if (!_volumes.TryAdd(id, volume))
                {
                    volume.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    throw new InvalidDataException($"volume {id} is in both {_directories[id]} and {directory}");
                }

                _directories[id] = directory;
                _nextVolume = Math.Max(_nextVolume, raw + 1);
                NoteMaxNeedleLengthLocked(volume);
            }
        }
    }

    /// <summary>
    /// Keeps the configured number of unsealed volumes, creating new ones while a directory has room. Never throws:
    /// <paramref name="why"/> says why a volume could not be created (null when none was needed or all were).
    /// </summary>
    private void RefreshWritableLocked(out string? why)
    {
        why = null;
        var writable = new List<NeedleVolume>();
        foreach (var volume in _volumes.Values)
        {
            if (!volume.IsSealed)
            {
                writable.Add(volume);
            }
        }

        while (writable.Count < _options.WritableVolumes)
        {
            if (!TryCreateVolumeLocked(new VolumeId(_nextVolume), 0, out var created, out why))
            {
                break;
            }

            _nextVolume++;
            writable.Add(created);
        }

        _writable = [.. writable];
    }

    /// <summary>
    /// Creates a volume (of the configured size, or <paramref name="size"/>) in the directory with the most free space,
    /// if it has room for <paramref name="length"/> more bytes.
    /// </summary>
    private bool TryCreateVolumeLocked(VolumeId id, long length, [NotNullWhen(true)] out NeedleVolume? volume, [NotNullWhen(false)] out string? why, long? size = null)
    {
        volume = null;
        var (directory, free) = PickDirectory();
        var needed = MinFreeForNewVolume + length;
        if (free < needed)
        {
            why = $"the disk is full: {directory} has {free} bytes free, and a new volume needs {needed}";
            return false;
        }

        try
        {
            volume = NeedleVolume.Create(VolumeOptions(directory, size), _group, id);
        }
        catch (IOException ex)
        {
            why = $"creating volume {id} in {directory} failed (is the disk full?): {ex.Message}";
            return false;
        }

        _volumes[id] = volume;
        _directories[id] = directory;
        NoteMaxNeedleLengthLocked(volume);
        why = null;
        return true;
    }

    private void NoteMaxNeedleLengthLocked(NeedleVolume volume)
    {
        if (volume.MaxSize == _options.VolumeSize)
        {
            _maxNeedleLength = Math.Max(_maxNeedleLength, volume.MaxNeedleLength);
        }
    }

    private (string Directory, long Free) PickDirectory()
    {
        var best = _options.Directories[0];
        var bestFree = -1L;
        foreach (var directory in _options.Directories)
        {
            var free = FreeBytes(directory);
            if (free > bestFree)
            {
                best = directory;
                bestFree = free;
            }
        }

        return (best, bestFree);
    }

    private VolumeOptions VolumeOptions(string directory, long? size = null) => new()
    {
        Directory = directory,
        Size = size ?? _options.VolumeSize,
        DirectWrites = _options.DirectWrites,
    };
}
