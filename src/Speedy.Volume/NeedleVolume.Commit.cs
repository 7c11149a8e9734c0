using Speedy.Volume.Commit;
using Speedy.Volume.Format;

namespace Speedy.Volume;

public sealed partial class NeedleVolume
{
    /// <summary>
    /// The syncer: while there are written records past the durable offset, fdatasync once for all of them and
    /// acknowledge them. Appends that finish while a sync runs form the next batch. It also carries out aborts.
    /// </summary>
    private async Task RunSyncerAsync()
    {
        while (true)
        {
            await _syncSignal.WaitAsync();
            while (SyncOnce())
            {
            }

            PersistSeal();
            lock (_lock)
            {
                if (_stopping && _ackSeq == _reserveSeq)
                {
                    return;
                }
            }
        }
    }

    /// <summary>One step of the syncer; false when there is nothing to do, having marked itself idle.</summary>
    private bool SyncOnce()
    {
        long target;
        IO.DataFile data;
        lock (_lock)
        {
            if (_abortError is not null && _ackSeq == _abortSeq && NothingInFlightLocked())
            {
                FinishAbortLocked();
                return true;
            }

            target = _abortError is null ? _written : Math.Min(_written, _abortOffset);
            if (target <= _durable)
            {
                _syncerIdle = true;
                return false;
            }

            data = _data;
        }

        Exception? failure = null;
        try
        {
            data.SyncData();
        }
        catch (IOException e)
        {
            failure = e;
        }

        lock (_lock)
        {
            if (failure is null)
            {
                _durable = target;
                AcknowledgeLocked(target);
            }
            else if (_abortError is null || _ackSeq < _abortSeq)
            {
                _abortError = new IOException($"Volume {Id}: fdatasync failed; the appends of its batch were not stored.", failure);
                _abortSeq = _ackSeq;
                _abortOffset = _durable;
            }

            AssertOffsetsLocked();
        }

        return true;
    }

    /// <summary>
    /// Acknowledges, in file order, every written record that ends at or before <paramref name="durable"/>: applies
    /// it to the index, then completes its writer. The caller holds <see cref="_lock"/>.
    /// </summary>
    private void AcknowledgeLocked(long durable)
    {
        lock (_indexLock)
        {
            while (_ackSeq < _writtenSeq)
            {
                ref var slot = ref Slot(_ackSeq);
                if (slot.End > durable)
                {
                    break;
                }

                _index.Apply(slot.Kind, slot.Id, slot.Offset, slot.Kind == NeedleKind.Filler ? NeedleHeader.FillerDataLength(slot.End - slot.Offset) : slot.Length);
                if (slot.Error is null)
                {
                    slot.Waiter!.SetResult();
                }
                else
                {
                    slot.Waiter!.SetException(slot.Error);
                }

                slot = default;
                _ackSeq++;
            }
        }

        if (_ackSeq == _reserveSeq && _drained is { } drained)
        {
            _drained = null;
            drained.TrySetResult();
        }

        if (!_checkpointRunning && !_closing && _durable - _checkpointedEnd >= _options.CheckpointInterval)
        {
            _checkpointRunning = true;
            _ = Task.Run(CheckpointInBackgroundAsync);
        }
    }

    private bool NothingInFlightLocked()
    {
        for (var seq = _writtenSeq; seq < _reserveSeq; seq++)
        {
            if (Slot(seq).State == PendingState.Reserved)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// After a failed write or sync, once nothing is in flight: fails every unacknowledged append, truncates the file
    /// back to the durable end (and syncs that), and lets appends start again there unless the volume is sealed.
    /// </summary>
    private void FinishAbortLocked()
    {
        var cause = _abortError!; // FinishAbortLocked runs only while an abort is pending
        for (var seq = _ackSeq; seq < _reserveSeq; seq++)
        {
            ref var slot = ref Slot(seq);
            var error = slot.State == PendingState.Failed && slot.Error is not null
                ? slot.Error
                : cause is VolumeFullException
                    ? new VolumeFullException(Id, SealReason.DiskFull, $"Volume {Id}: the needle at offset {slot.Offset} was not stored: the disk is full and the volume is now sealed.", cause)
                    : new IOException($"Volume {Id}: the needle at offset {slot.Offset} was not stored: {cause.Message}", cause);
            slot.Waiter!.SetException(error);
            slot = default;
        }

        _ackSeq = _writtenSeq = _reserveSeq;
        try
        {
            _data.SetLength(_abortOffset);
            _data.SyncData();
            if (_options.Preallocate)
            {
                _data.Preallocate(_superblock.MaxSize);
            }
        }
        catch (IOException)
        {
            // Records past the durable end may still be in the file; reopening scans and keeps or cuts them.
            SealLocked(SealReason.IOError);
        }

        _tail = _written = _durable = _abortOffset;
        _abortError = null;
        if (_drained is { } drained)
        {
            _drained = null;
            drained.TrySetResult();
        }

        AssertOffsetsLocked();
    }

    private void WakeSyncerLocked()
    {
        if (_syncerIdle && (_written > _durable || _abortError is not null || _stopping || !_sealPersisted))
        {
            _syncerIdle = false;
            _syncSignal.Set();
        }
    }

    private void SealLocked(SealReason reason)
    {
        if (_sealReason == SealReason.None)
        {
            _sealReason = reason;
            _sealPersisted = false;
        }
    }

    /// <summary>Writes the seal marker if the seal is not on disk yet; best effort (the disk may be full).</summary>
    private void PersistSeal()
    {
        SealReason reason;
        lock (_lock)
        {
            if (_sealPersisted || _crashed)
            {
                return;
            }

            _sealPersisted = true;
            reason = _sealReason;
        }

        try
        {
            WriteSealMarker(_paths, reason);
        }
        catch (IOException)
        {
            lock (_lock)
            {
                _sealPersisted = false;
            }
        }
    }
}
