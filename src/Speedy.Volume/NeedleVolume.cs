using System.Diagnostics;
using Speedy.IO;
using Speedy.Volume.Commit;
using Speedy.Volume.Format;
using Speedy.Volume.Index;
using Speedy.Volume.IO;

namespace Speedy.Volume;

/// <summary>
/// One volume: an append-only data file of needles plus its index, with durable group-commit appends, reads by
/// needle id and cookie, tombstone deletes, compaction and scrub. Thread-safe. The file layout and the invariants are
/// in <c>README.md</c>.
/// </summary>
/// <remarks>
/// Named <c>NeedleVolume</c> rather than <c>Volume</c>: a type called <c>Volume</c> inside the <c>Speedy.Volume</c>
/// namespace would make every <c>Speedy.*</c> caller's <c>Volume</c> resolve to the namespace instead.
/// <para>
/// Three offsets order the file: <see cref="DurableOffset"/> &lt;= <see cref="WrittenOffset"/> &lt;=
/// <see cref="Tail"/>. Writers reserve at the tail, write with positional I/O, and wait; the written offset is the end
/// of the longest run of finished writes; one syncer loop fdatasyncs up to it and acknowledges every record that
/// ends there, applying it to the index as it does, in file order. The index therefore only ever holds durable
/// records, which is what "restoring" it after a failed sync amounts to.
/// </para>
/// </remarks>
public sealed partial class NeedleVolume : IAsyncDisposable
{
    /// <summary>Records up to this size are assembled in one pooled buffer and written or read with one call.</summary>
    private const int SmallRecordLimit = 64 * 1024;

    private readonly VolumeOptions _options;
    private readonly VolumePaths _paths;
    private readonly VolumeFaults? _faults;

    /// <summary>Guards the append state: the three offsets, the ring of pending writes, seal, abort and freeze.</summary>
    private readonly Lock _lock = new();

    /// <summary>Guards the index and which data file is current; readers take only this one. Taken after <see cref="_lock"/>.</summary>
    private readonly Lock _indexLock = new();

    private readonly SyncWaiterPool _waiters = new();
    private readonly AsyncSignal _syncSignal = new();

    /// <summary>One compaction or checkpoint write at a time.</summary>
    private readonly SemaphoreSlim _maintenance = new(1, 1);

    private readonly Task _syncer;

    private Superblock _superblock;
    private DataFile _data;
    private VolumeIndex _index;

    private long _tail;
    private long _written;
    private long _durable;
    private long _appendLimit;
    private PendingWrite[] _ring = new PendingWrite[64];
    private long _reserveSeq;
    private long _writtenSeq;
    private long _ackSeq;
    private bool _syncerIdle = true;

    private SealReason _sealReason;
    private bool _sealPersisted = true;
    private Exception? _abortError;
    private long _abortSeq;
    private long _abortOffset;

    private TaskCompletionSource? _frozen;
    private TaskCompletionSource? _drained;
    private bool _closing;
    private bool _stopping;
    private bool _crashed;
    private int _disposed;

    private long _checkpointedEnd;
    private bool _checkpointRunning;

    private NeedleVolume(VolumeOptions options, VolumePaths paths, DataFile data, Superblock superblock, VolumeIndex index, SealReason sealReason, RecoveryReport recovery)
    {
        _options = options;
        _paths = paths;
        _faults = options.Faults;
        _data = data;
        _superblock = superblock;
        _index = index;
        _sealReason = sealReason;
        Recovery = recovery;
        _tail = _written = _durable = index.End;
        _checkpointedEnd = recovery.CheckpointEnd;
        _appendLimit = AppendLimit(superblock.MaxSize);
        _syncer = Task.Run(RunSyncerAsync);
    }

    public VolumeId Id => _superblock.Volume;

    public GroupId Group => _superblock.Group;

    public DateTimeOffset CreatedAt => _superblock.CreatedAt;

    /// <summary>How many times the volume has been compacted: the superblock revision of the current data file.</summary>
    public uint Revision => _superblock.Revision;

    /// <summary>The configured size the volume is preallocated to and sealed at.</summary>
    public long MaxSize => _superblock.MaxSize;

    /// <summary>What opening the volume found and repaired.</summary>
    public RecoveryReport Recovery { get; }

    /// <summary>The end of the records that are synced and acknowledged.</summary>
    public long DurableOffset
    {
        get
        {
            lock (_lock)
            {
                return _durable;
            }
        }
    }

    /// <summary>The end of the longest run of records whose writes have finished.</summary>
    public long WrittenOffset
    {
        get
        {
            lock (_lock)
            {
                return _written;
            }
        }
    }

    /// <summary>Where the next record will be reserved.</summary>
    public long Tail
    {
        get
        {
            lock (_lock)
            {
                return _tail;
            }
        }
    }

    public bool IsSealed => SealReason != SealReason.None;

    /// <summary>Whether large needles are being written past the page cache (<see cref="VolumeOptions.DirectWrites"/>).</summary>
    public bool WritesDirect => _data.WritesDirect;

    public SealReason SealReason
    {
        get
        {
            lock (_lock)
            {
                return _sealReason;
            }
        }
    }

    /// <summary>Needles that can be read.</summary>
    public int NeedleCount
    {
        get
        {
            lock (_indexLock)
            {
                return _index.Count;
            }
        }
    }

    /// <summary>Bytes of dead records (overwritten, deleted, fillers) that compaction would reclaim.</summary>
    public long GarbageBytes
    {
        get
        {
            lock (_indexLock)
            {
                return _index.GarbageBytes;
            }
        }
    }

    /// <summary>The bytes the in-memory index holds, to compare with <see cref="NeedleCount"/>.</summary>
    public long IndexMemoryBytes
    {
        get
        {
            lock (_indexLock)
            {
                return _index.Map.MemoryBytes;
            }
        }
    }

    /// <summary>
    /// Creates a new volume: the data file with its superblock (written to a temporary file, synced and renamed into
    /// place, so a data file never lacks one), preallocated to <see cref="VolumeOptions.Size"/>.
    /// </summary>
    public static NeedleVolume Create(VolumeOptions options, GroupId group, VolumeId id)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var paths = new VolumePaths(options.Directory, id);
        if (File.Exists(paths.Data))
        {
            throw new IOException($"Volume {id} already exists: '{paths.Data}'.");
        }

        System.IO.Directory.CreateDirectory(options.Directory);
        foreach (var stale in (ReadOnlySpan<string>)[paths.Index, paths.Sealed, paths.CompactData, paths.CompactIndex, paths.CompactMarker])
        {
            File.Delete(stale);
        }

        var superblock = new Superblock(id, group, TruncateToMilliseconds(options.TimeProvider.GetUtcNow()), 0, options.Size);
        var temporary = VolumePaths.Temporary(paths.Data);
        var data = DataFile.Open(temporary, FileMode.Create, options.Faults, options.DirectWrites);
        try
        {
            Span<byte> block = stackalloc byte[Superblock.Size];
            superblock.Write(block);
            data.Write(block, 0);
            data.SyncData();
            File.Move(temporary, paths.Data);
            data.Renamed(paths.Data);
            DirectorySync.Flush(options.Directory);
            if (options.Preallocate)
            {
                data.Preallocate(superblock.MaxSize);
            }
        }
        catch
        {
            data.Dispose();
            File.Delete(temporary);
            throw;
        }

        return new NeedleVolume(options, paths, data, superblock, VolumeIndex.Empty(options.ExpectedNeedles), SealReason.None, RecoveryReport.New);
    }

    /// <summary>
    /// Opens an existing volume: finishes or discards an interrupted compaction, loads the index checkpoint, scans
    /// the data file from the checkpoint's end, and truncates at the first record that fails its checks.
    /// </summary>
    public static NeedleVolume Open(VolumeOptions options, VolumeId id)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var paths = new VolumePaths(options.Directory, id);
        var compaction = RecoverCompaction(paths);
        foreach (var path in (ReadOnlySpan<string>)[paths.Data, paths.Index, paths.Sealed])
        {
            File.Delete(VolumePaths.Temporary(path));
        }

        var data = DataFile.Open(paths.Data, FileMode.Open, options.Faults, options.DirectWrites);
        try
        {
            var superblock = ReadSuperblock(data, id);
            var index = Recover(data, superblock, paths, compaction, options.ExpectedNeedles, out var recovery);
            if (options.Preallocate)
            {
                data.Preallocate(superblock.MaxSize);
            }

            return new NeedleVolume(options, paths, data, superblock, index, ReadSealMarker(paths), recovery);
        }
        catch
        {
            data.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Stops taking appends, waits for those in flight to be acknowledged or failed, writes a final index checkpoint
    /// and closes the files.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Task drained;
        lock (_lock)
        {
            _closing = true;
            drained = WhenDrainedLocked();
        }

        await drained.ConfigureAwait(false);
        lock (_lock)
        {
            _stopping = true;
            WakeSyncerLocked();
        }

        await _syncer.ConfigureAwait(false);
        await _maintenance.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_crashed)
            {
                PersistSeal();
                TryWriteCheckpoint();
            }

            lock (_indexLock)
            {
                _data.Dispose();
            }
        }
        finally
        {
            _maintenance.Release();
        }
    }

    private static long AppendLimit(long maxSize) => maxSize - Math.Min(1L << 20, maxSize / 64);

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset time) =>
        DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private ref PendingWrite Slot(long seq) => ref _ring[seq & (_ring.Length - 1)];

    /// <summary>A task that completes when no write is pending; the caller holds <see cref="_lock"/>.</summary>
    private Task WhenDrainedLocked()
    {
        if (_ackSeq == _reserveSeq)
        {
            return Task.CompletedTask;
        }

        _drained ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        return _drained.Task;
    }

    [Conditional("DEBUG")]
    private void AssertOffsetsLocked()
    {
        Debug.Assert(_durable <= _written, "DurableOffset <= WrittenOffset");
        Debug.Assert(_written <= _tail, "WrittenOffset <= Tail");
        Debug.Assert(_ackSeq <= _writtenSeq && _writtenSeq <= _reserveSeq, "acknowledged <= written <= reserved");
        Debug.Assert(_tail <= _superblock.MaxSize, "Tail <= MaxSize");
    }
}
