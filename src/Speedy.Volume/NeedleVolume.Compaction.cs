using Microsoft.Win32.SafeHandles;
using Speedy.IO;
using Speedy.Volume.Format;
using Speedy.Volume.Index;
using Speedy.Volume.IO;

namespace Speedy.Volume;

public sealed partial class NeedleVolume
{
    /// <summary>Catch-up rounds run with appends flowing before the last one, which holds them.</summary>
    private const int MaxCatchUpRounds = 4;

    /// <summary>A catch-up round smaller than this is the last: appends are held only while it is copied.</summary>
    private const long SmallCatchUp = 4L << 20;

    /// <summary>
    /// Compaction (vacuum): copies the live needles to <c>{id}.cpd</c> while appends go on, then copies the appends
    /// made meanwhile, holds appends for the last few, and swaps the new file in by a crash-safe protocol: sync the
    /// new data and index, make a marker durable, rename both into place, remove the marker. A crash before the
    /// marker leaves the old volume; after it, recovery finishes the renames. Needle ids and cookies do not change,
    /// so nothing outside the volume (file ids in metadata) does either.
    /// </summary>
    public async Task<CompactionResult> CompactAsync(CancellationToken cancellationToken = default)
    {
        await _maintenance.WaitAsync(cancellationToken).ConfigureAwait(false);
        var committed = false;
        DataFile? target = null;
        try
        {
            long bytesBefore;
            long copiedEnd;
            lock (_lock)
            {
                ThrowIfClosedLocked();
                copiedEnd = _durable;
                bytesBefore = _tail;
            }

            Step(CompactionStep.Started);
            var superblock = _superblock with { Revision = _superblock.Revision + 1 };
            target = DataFile.Open(_paths.CompactData, FileMode.Create, _faults, _options.DirectWrites);
            var newIndex = await Task.Run(() => CopyLive(target, superblock, copiedEnd, cancellationToken), cancellationToken).ConfigureAwait(false);

            for (var round = 0; round < MaxCatchUpRounds; round++)
            {
                var end = DurableOffset;
                if (end - copiedEnd < SmallCatchUp)
                {
                    break;
                }

                var from = copiedEnd;
                await Task.Run(() => CatchUp(target, newIndex, from, end), cancellationToken).ConfigureAwait(false);
                copiedEnd = end;
            }

            Task drained;
            lock (_lock)
            {
                ThrowIfClosedLocked();
                _frozen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                drained = WhenDrainedLocked();
            }

            await drained.ConfigureAwait(false);
            CatchUp(target, newIndex, copiedEnd, DurableOffset);
            Step(CompactionStep.CaughtUp);

            target.SyncData();
            IndexCheckpoint.Write(_paths.CompactIndex, superblock, CheckpointState.Of(newIndex), Entries(newIndex), durable: true);
            DirectorySync.Flush(_paths.Directory);
            Step(CompactionStep.Synced);

            WriteMarker(new CompactionMarker(superblock.Revision, newIndex.End));
            committed = true;
            Step(CompactionStep.MarkerWritten);

            File.Move(_paths.CompactData, _paths.Data, overwrite: true);
            target.Renamed(_paths.Data);
            Step(CompactionStep.DataRenamed);

            File.Move(_paths.CompactIndex, _paths.Index, overwrite: true);
            Step(CompactionStep.IndexRenamed);

            DirectorySync.Flush(_paths.Directory);
            File.Delete(_paths.CompactMarker);
            DirectorySync.Flush(_paths.Directory);

            SwapIn(target, newIndex, superblock);
            target = null;
            return new CompactionResult(bytesBefore, newIndex.End, newIndex.Count);
        }
        catch (Exception e) when (e is not SimulatedCrashException)
        {
            if (!committed)
            {
                target?.Dispose();
                target = null;
                DeleteCompactionFiles();
            }
            else
            {
                // The swap is committed on disk but not here: appends to the old file would be lost on reopen.
                lock (_lock)
                {
                    SealLocked(SealReason.IOError);
                }
            }

            throw;
        }
        finally
        {
            target?.Dispose();
            Thaw();
            _maintenance.Release();
        }
    }

    /// <summary>Copies, in file order, every record before <paramref name="end"/> that is the current version of its needle.</summary>
    private VolumeIndex CopyLive(DataFile target, Superblock superblock, long end, CancellationToken cancellationToken)
    {
        Span<byte> block = stackalloc byte[Superblock.Size];
        superblock.Write(block);
        target.Write(block, 0);
        if (_options.Preallocate)
        {
            target.Preallocate(superblock.MaxSize);
        }

        var newIndex = VolumeIndex.Empty(Math.Max(NeedleCount, _options.ExpectedNeedles));
        var handle = AcquireHandle();
        try
        {
            using var scanner = new RecordScanner(handle, Superblock.Size, end);
            var first = true;
            while (scanner.TryNext(out var check))
            {
                cancellationToken.ThrowIfCancellationRequested();
                ThrowIfBad(check, scanner);
                var header = scanner.Header;
                if (header.Kind == NeedleKind.Live && IsCurrent(header.Id, scanner.RecordOffset))
                {
                    scanner.CopyRecord(target, newIndex.End);
                    newIndex.Apply(NeedleKind.Live, header.Id.Value, newIndex.End, header.DataLength);
                    if (first)
                    {
                        first = false;
                        Step(CompactionStep.Copying);
                    }
                }
            }
        }
        finally
        {
            handle.DangerousRelease();
        }

        return newIndex;
    }

    /// <summary>
    /// Copies the records in [<paramref name="from"/>, <paramref name="end"/>), all durable and so already applied to
    /// the live index, in order: needles, and tombstones of needles the new file holds. Fillers are dropped.
    /// </summary>
    private void CatchUp(DataFile target, VolumeIndex newIndex, long from, long end)
    {
        if (end <= from)
        {
            return;
        }

        var handle = AcquireHandle();
        try
        {
            using var scanner = new RecordScanner(handle, from, end);
            while (scanner.TryNext(out var check))
            {
                ThrowIfBad(check, scanner);
                var header = scanner.Header;
                if (header.Kind == NeedleKind.Live
                    || (header.Kind == NeedleKind.Tombstone && newIndex.Map.TryGetValue(header.Id.Value, out _)))
                {
                    scanner.CopyRecord(target, newIndex.End);
                    newIndex.Apply(header.Kind, header.Id.Value, newIndex.End, header.DataLength);
                }
            }
        }
        finally
        {
            handle.DangerousRelease();
        }
    }

    private void ThrowIfBad(RecordCheck check, RecordScanner scanner)
    {
        if (check != RecordCheck.Valid)
        {
            throw new VolumeCorruptionException(
                $"Volume {Id}: compaction found a {check} record at offset {scanner.Position}, before the durable end; scrub and repair the volume.")
            {
                Offset = scanner.Position,
            };
        }
    }

    private bool IsCurrent(NeedleId id, long offset)
    {
        lock (_indexLock)
        {
            return _index.Map.TryGetValue(id.Value, out var entry) && entry.Offset == offset;
        }
    }

    private SafeFileHandle AcquireHandle()
    {
        lock (_indexLock)
        {
            var handle = _data.Handle;
            var added = false;
            handle.DangerousAddRef(ref added);
            return handle;
        }
    }

    private static NeedleEntry[] Entries(VolumeIndex index)
    {
        var entries = new NeedleEntry[index.Count];
        index.Map.CopyTo(entries);
        return entries;
    }

    private void WriteMarker(CompactionMarker marker)
    {
        var temporary = VolumePaths.Temporary(_paths.CompactMarker);
        using (var handle = File.OpenHandle(temporary, FileMode.Create, FileAccess.ReadWrite))
        {
            Span<byte> bytes = stackalloc byte[CompactionMarker.Size];
            marker.Write(bytes);
            RandomAccess.Write(handle, bytes, 0);
            RandomAccess.FlushToDisk(handle);
        }

        File.Move(temporary, _paths.CompactMarker);
        DirectorySync.Flush(_paths.Directory);
    }

    private void SwapIn(DataFile target, VolumeIndex newIndex, Superblock superblock)
    {
        DataFile old;
        lock (_lock)
        {
            lock (_indexLock)
            {
                old = _data;
                _data = target;
                _index = newIndex;
                _superblock = superblock;
            }

            _tail = _written = _durable = newIndex.End;
            _checkpointedEnd = newIndex.End;
            AssertOffsetsLocked();
        }

        // Closed once the last read holding a reference to it finishes.
        old.Dispose();
    }

    private void Thaw()
    {
        TaskCompletionSource? frozen;
        lock (_lock)
        {
            frozen = _frozen;
            _frozen = null;
        }

        frozen?.TrySetResult();
    }

    private void DeleteCompactionFiles()
    {
        foreach (var path in (ReadOnlySpan<string>)[_paths.CompactData, _paths.CompactIndex, VolumePaths.Temporary(_paths.CompactIndex), VolumePaths.Temporary(_paths.CompactMarker)])
        {
            File.Delete(path);
        }
    }

    /// <summary>Passes a compaction step; if the test hook says so, dies there as a killed process would.</summary>
    private void Step(CompactionStep step)
    {
        if (_faults?.CompactionStep?.Invoke(step) == false)
        {
            lock (_lock)
            {
                _crashed = true;
            }

            throw new SimulatedCrashException($"Simulated crash at compaction step {step}.");
        }
    }

    private void ThrowIfClosedLocked()
    {
        if (_closing || _crashed)
        {
            throw new ObjectDisposedException(nameof(NeedleVolume), $"Volume {Id} is closed.");
        }
    }
}
