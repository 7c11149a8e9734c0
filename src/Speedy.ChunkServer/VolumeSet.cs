using System.Globalization;
using Speedy.Volume;

namespace Speedy.ChunkServer;

/// <summary>
/// The volumes of one chunk server across its directories: opens what is on disk at start, keeps
/// <see cref="ChunkServerOptions.WritableVolumes"/> unsealed volumes for new needles (spreading concurrent
/// appends over files), creates a volume when a peer's write names one this server lacks, and hands out file
/// ids. Thread-safe.
/// </summary>
internal sealed class VolumeSet : IAsyncDisposable
{
    private readonly ChunkServerOptions _options;
    private readonly GroupId _group;
    private readonly Dictionary<VolumeId, NeedleVolume> _volumes = [];
    private readonly Dictionary<VolumeId, string> _directories = [];
    private readonly Lock _lock = new();
    private readonly NeedleIdAllocator _needleIds;
    private NeedleVolume[] _writable = [];
    private uint _nextVolume = 1;
    private int _roundRobin;

    private VolumeSet(ChunkServerOptions options)
    {
        _options = options;
        _group = new GroupId(options.Group);
        _needleIds = new NeedleIdAllocator(options.Directories[0]);
    }

    public GroupId Group => _group;

    public ulong NeedleIdHighWaterMark => _needleIds.HighWaterMark;

    /// <summary>Opens every volume found in the directories (recovering each) and tops up the writable set.</summary>
    public static VolumeSet Open(ChunkServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var set = new VolumeSet(options);
        foreach (var directory in options.Directories)
        {
            Directory.CreateDirectory(directory);
            foreach (var file in Directory.EnumerateFiles(directory, "*.dat"))
            {
                if (!uint.TryParse(Path.GetFileNameWithoutExtension(file), NumberStyles.None, CultureInfo.InvariantCulture, out var raw))
                {
                    continue;
                }

                var id = new VolumeId(raw);
                var volume = NeedleVolume.Open(set.VolumeOptions(directory), id);
                if (volume.Group != set._group)
                {
                    throw new InvalidDataException($"volume {id} in {directory} belongs to group {volume.Group}, not {set._group}");
                }

                set._volumes[id] = volume;
                set._directories[id] = directory;
                set._nextVolume = Math.Max(set._nextVolume, raw + 1);
            }
        }

        set.RefreshWritable();
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

    /// <summary>A new file id in a writable volume that can hold <paramref name="length"/> bytes.</summary>
    public (FileId FileId, NeedleVolume Volume) Assign(long length)
    {
        lock (_lock)
        {
            for (var attempt = 0; attempt < 2; attempt++)
            {
                for (var i = 0; i < _writable.Length; i++)
                {
                    var volume = _writable[(_roundRobin++ & int.MaxValue) % _writable.Length];
                    if (!volume.IsSealed && volume.Tail + length + 64 <= volume.MaxSize && length <= volume.MaxNeedleLength)
                    {
                        var fileId = new FileId(_group, volume.Id, new NeedleId(_needleIds.Next()), Cookie.NewRandom());
                        return (fileId, volume);
                    }
                }

                RefreshWritable();
            }
        }

        throw new VolumeFullException($"no writable volume can hold a needle of {length} bytes");
    }

    /// <summary>The volume a peer's write names, created here if this server does not have it yet.</summary>
    public NeedleVolume GetOrCreate(FileId fileId)
    {
        if (fileId.Group != _group)
        {
            throw new ArgumentException($"file id {fileId} belongs to group {fileId.Group}, not {_group}");
        }

        lock (_lock)
        {
            _needleIds.Observe(fileId.Needle.Value);
            if (_volumes.TryGetValue(fileId.Volume, out var volume))
            {
                return volume;
            }

            var created = CreateVolume(fileId.Volume);
            _nextVolume = Math.Max(_nextVolume, fileId.Volume.Value + 1);
            return created;
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
    }

    /// <summary>Keeps the configured number of unsealed volumes, creating new ones as others fill.</summary>
    private void RefreshWritable()
    {
        lock (_lock)
        {
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
                writable.Add(CreateVolume(new VolumeId(_nextVolume++)));
            }

            _writable = [.. writable];
        }
    }

    private NeedleVolume CreateVolume(VolumeId id)
    {
        var directory = PickDirectory();
        var volume = NeedleVolume.Create(VolumeOptions(directory), _group, id);
        _volumes[id] = volume;
        _directories[id] = directory;
        return volume;
    }

    private string PickDirectory()
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

        return best;
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
    }

    /// <summary>Free bytes summed over the server's directories (each filesystem once).</summary>
    public long TotalFreeBytes()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var total = 0L;
        foreach (var directory in _options.Directories)
        {
            var drive = new DriveInfo(Path.GetFullPath(directory));
            if (seen.Add(drive.Name))
            {
                total += FreeBytes(directory);
            }
        }

        return total;
    }

    private VolumeOptions VolumeOptions(string directory) => new()
    {
        Directory = directory,
        Size = _options.VolumeSize,
    };
}
