using System.Buffers;
using Speedy.IO;
using Speedy.Volume.Commit;
using Speedy.Volume.Format;

namespace Speedy.Volume;

public sealed partial class NeedleVolume
{
    /// <summary>Needles from this size have their checksum computed alongside the write.</summary>
    private const int ParallelChecksumThreshold = 4 << 20;

    /// <summary>The largest needle this volume takes.</summary>
    public long MaxNeedleLength => Math.Min(uint.MaxValue, _appendLimit - Superblock.Size - NeedleHeader.MaxOverhead);

    /// <summary>
    /// Appends a needle (a later append of the same id replaces it). Completes once the record is durable under the
    /// volume's <see cref="SyncPolicy"/>; from then on it reads back. Allocates nothing when the caller awaits it.
    /// </summary>
    /// <exception cref="VolumeFullException">The needle does not fit, or the disk is full; the volume is now sealed.</exception>
    /// <exception cref="VolumeSealedException">The volume was already sealed.</exception>
    /// <exception cref="IOException">The write or its sync failed; the needle was not stored.</exception>
    /// <remarks>
    /// The record is written with a synchronous positional write: on Linux, <c>RandomAccess.WriteAsync</c> on a file
    /// is the same <c>pwrite</c> behind a thread-pool hop and an allocation, and a write into the page cache does not
    /// block for long. The wait for the disk is the asynchronous part. Cancellation is honoured until the space is
    /// reserved; after that the append runs to its end.
    /// </remarks>
    public ValueTask AppendAsync(NeedleId id, Cookie cookie, ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default) =>
        AppendRecordAsync(NeedleKind.Live, id, cookie, data, null, cancellationToken);

    /// <summary>
    /// <see cref="AppendAsync(NeedleId, Cookie, ReadOnlyMemory{byte}, CancellationToken)"/> for a caller that already
    /// computed the data's CRC-32C over these very bytes (an end-to-end checksum carried down from where the data
    /// entered the process), so that a large needle's bytes are not gone over again; a small one's are copied into
    /// its record and checksummed on the way anyway. A wrong <paramref name="checksum"/> makes a large needle read as
    /// corrupt.
    /// </summary>
    public ValueTask AppendAsync(NeedleId id, Cookie cookie, ReadOnlyMemory<byte> data, uint checksum, CancellationToken cancellationToken = default) =>
        AppendRecordAsync(NeedleKind.Live, id, cookie, data, checksum, cancellationToken);

    /// <summary>
    /// Appends a needle of <paramref name="length"/> bytes read from <paramref name="source"/>, without holding it in
    /// memory. If the source fails or ends early, the reserved space becomes a filler record (so the appends after it
    /// stay reachable) and the source's exception is rethrown.
    /// </summary>
    public async Task AppendAsync(NeedleId id, Cookie cookie, long length, Stream source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        var recordSize = CheckedRecordSize(length);
        SyncWaiter waiter;
        long seq, offset;
        while (!TryReserve(NeedleKind.Live, id, (uint)length, recordSize, out seq, out offset, out waiter, out var frozen))
        {
            await frozen.WaitAsync(cancellationToken).ConfigureAwait(false);
        }

        Exception? writeError = null;
        Exception? sourceError = null;
        var finished = false;
        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(length + NeedleHeader.Size, 1 << 20));
        try
        {
            new NeedleHeader(NeedleKind.Live, id, cookie, (uint)length).Write(buffer);
            _data.Write(buffer.AsSpan(0, NeedleHeader.Size), offset);
            uint checksum = 0;
            long done = 0;
            while (done < length && sourceError is null)
            {
                int n;
                try
                {
                    n = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, length - done)), cancellationToken).ConfigureAwait(false);
                    if (n == 0)
                    {
                        throw new EndOfStreamException($"The source ended after {done} of the {length} bytes of needle {id}.");
                    }
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    sourceError = e;
                    break;
                }

                checksum = Crc32C.Append(checksum, buffer.AsSpan(0, n));
                _data.WriteLarge(buffer.AsSpan(0, n), offset + NeedleHeader.Size + done, StartsWriteback);
                done += n;
            }

            if (sourceError is null)
            {
                var trailer = buffer.AsSpan(0, NeedleRecord.TrailerAndPadding(length));
                NeedleRecord.WriteTrailer(checksum, trailer);
                _data.Write(trailer, offset + NeedleHeader.Size + length);
            }
            else
            {
                new NeedleHeader(NeedleKind.Filler, id, cookie, NeedleHeader.FillerDataLength(recordSize)).Write(buffer);
                _data.Write(buffer.AsSpan(0, NeedleHeader.Size), offset);
            }

            finished = true;
        }
        catch (IOException e)
        {
            writeError = e;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Complete(seq, finished ? null : writeError ?? new IOException($"Volume {Id}: the write at offset {offset} did not finish."), sourceError);
        }

        await waiter.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes a needle by appending a tombstone; false if there is no such needle (or the cookie is wrong). Deletes
    /// are taken by a volume sealed because it was full or on request, so that its space can be reclaimed.
    /// </summary>
    public async ValueTask<bool> DeleteAsync(NeedleId id, Cookie cookie, CancellationToken cancellationToken = default)
    {
        if (!TryGetLength(id, cookie, out _))
        {
            return false;
        }

        await AppendRecordAsync(NeedleKind.Tombstone, id, cookie, ReadOnlyMemory<byte>.Empty, null, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private ValueTask AppendRecordAsync(NeedleKind kind, NeedleId id, Cookie cookie, ReadOnlyMemory<byte> data, uint? checksum, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var recordSize = CheckedRecordSize(data.Length);
        if (!TryReserve(kind, id, (uint)data.Length, recordSize, out var seq, out var offset, out var waiter, out var frozen))
        {
            return AppendWhenThawedAsync(frozen, kind, id, cookie, data, checksum, cancellationToken);
        }

        Exception? error = null;
        var written = false;
        try
        {
            WriteRecord(offset, recordSize, kind, id, cookie, data, checksum);
            written = true;
        }
        catch (IOException e)
        {
            error = e;
        }
        finally
        {
            // Whatever went wrong, the slot must be completed, or no later record could ever be acknowledged.
            Complete(seq, written ? null : error ?? new IOException($"Volume {Id}: the write at offset {offset} did not finish."), null);
        }

        return waiter.Task;
    }

    private async ValueTask AppendWhenThawedAsync(Task frozen, NeedleKind kind, NeedleId id, Cookie cookie, ReadOnlyMemory<byte> data, uint? checksum, CancellationToken cancellationToken)
    {
        await frozen.WaitAsync(cancellationToken).ConfigureAwait(false);
        await AppendRecordAsync(kind, id, cookie, data, checksum, cancellationToken).ConfigureAwait(false);
    }

    private void WriteRecord(long offset, long recordSize, NeedleKind kind, NeedleId id, Cookie cookie, ReadOnlyMemory<byte> data, uint? checksum)
    {
        if (recordSize <= SmallRecordLimit)
        {
            var buffer = ArrayPool<byte>.Shared.Rent((int)recordSize);
            try
            {
                NeedleRecord.Encode(kind, id, cookie, data.Span, buffer);
                _data.Write(buffer.AsSpan(0, (int)recordSize), offset);
            }
            finally
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }

            return;
        }

        WriteLargeRecord(offset, kind, id, cookie, data, checksum);
    }

    /// <summary>
    /// Header, data and trailer written in place rather than copied together. Past a few MiB the checksum is computed
    /// on another core while the data is written (the trailer is written last); see <see cref="DataFile.WriteLarge"/>.
    /// A method of its own so that its closure is not allocated for small records.
    /// </summary>
    private void WriteLargeRecord(long offset, NeedleKind kind, NeedleId id, Cookie cookie, ReadOnlyMemory<byte> data, uint? known)
    {
        Span<byte> edge = stackalloc byte[NeedleHeader.Size];
        new NeedleHeader(kind, id, cookie, (uint)data.Length).Write(edge);
        var checksum = known is null && data.Length >= ParallelChecksumThreshold ? Task.Run(() => Crc32C.Compute(data.Span)) : null;
        _data.Write(edge, offset);
        _data.WriteLarge(data.Span, offset + NeedleHeader.Size, StartsWriteback);
        var trailer = edge[..NeedleRecord.TrailerAndPadding(data.Length)];
        NeedleRecord.WriteTrailer(known ?? (checksum is null ? Crc32C.Compute(data.Span) : checksum.GetAwaiter().GetResult()), trailer);
        _data.Write(trailer, offset + NeedleHeader.Size + data.Length);
    }

    /// <summary>Large writes start their writeback as they go only under group commit, which syncs them soon after.</summary>
    private bool StartsWriteback => _options.SyncPolicy == SyncPolicy.GroupCommit;

    private long CheckedRecordSize(long length)
    {
        if (length < 0 || length > MaxNeedleLength)
        {
            throw new ArgumentOutOfRangeException(nameof(length), length, $"Volume {Id} takes needles of 0 to {MaxNeedleLength} bytes.");
        }

        return NeedleHeader.RecordSize(length);
    }

    /// <summary>
    /// Reserves space at the tail and a slot in the ring. False while compaction holds appends, with the task to wait
    /// for; throws if the volume cannot take the record.
    /// </summary>
    private bool TryReserve(NeedleKind kind, NeedleId id, uint length, long recordSize, out long seq, out long offset, out SyncWaiter waiter, out Task frozen)
    {
        var persistSeal = false;
        try
        {
            lock (_lock)
            {
                if (_frozen is { } freeze && !_closing)
                {
                    frozen = freeze.Task;
                    seq = offset = 0;
                    waiter = null!; // not used when false is returned
                    return false;
                }

                ThrowIfCannotAppendLocked(kind);
                var limit = kind == NeedleKind.Live ? _appendLimit : _superblock.MaxSize;
                if (_tail + recordSize > limit)
                {
                    persistSeal = _sealReason == SealReason.None;
                    SealLocked(SealReason.Full);
                    throw new VolumeFullException(
                        Id,
                        SealReason.Full,
                        $"Volume {Id} is full: a record of {recordSize} bytes does not fit in the {Math.Max(0, limit - _tail)} bytes left; the volume is now sealed.");
                }

                if (_reserveSeq - _ackSeq == _ring.Length)
                {
                    GrowRingLocked();
                }

                seq = _reserveSeq++;
                offset = _tail;
                _tail += recordSize;
                waiter = _waiters.Rent();
                ref var slot = ref Slot(seq);
                slot.Offset = offset;
                slot.End = _tail;
                slot.Kind = kind;
                slot.Id = id.Value;
                slot.Length = length;
                slot.State = PendingState.Reserved;
                slot.Waiter = waiter;
                slot.Error = null;
                AssertOffsetsLocked();
                frozen = Task.CompletedTask;
                return true;
            }
        }
        finally
        {
            if (persistSeal)
            {
                PersistSeal();
            }
        }
    }

    private void ThrowIfCannotAppendLocked(NeedleKind kind)
    {
        if (_closing || _crashed)
        {
            throw new ObjectDisposedException(nameof(NeedleVolume), $"Volume {Id} is closed.");
        }

        if (_sealReason != SealReason.None
            && (kind == NeedleKind.Live || _sealReason is not (SealReason.Full or SealReason.Requested)))
        {
            throw _sealReason is SealReason.Full or SealReason.DiskFull
                ? new VolumeFullException(Id, _sealReason, $"Volume {Id} is sealed ({_sealReason}): it takes no more needles.")
                : new VolumeSealedException(Id, _sealReason, $"Volume {Id} is sealed ({_sealReason}): it takes no more needles.");
        }

        if (_abortError is not null)
        {
            throw new IOException($"Volume {Id} is discarding appends after a failed sync; retry.", _abortError);
        }
    }

    /// <summary>Marks a reserved record written (or failed) and moves the written offset over every finished write.</summary>
    private void Complete(long seq, Exception? writeError, Exception? fillerError)
    {
        lock (_lock)
        {
            ref var slot = ref Slot(seq);
            if (writeError is null)
            {
                slot.State = PendingState.Written;
                slot.Error = fillerError;
                if (fillerError is not null)
                {
                    slot.Kind = NeedleKind.Filler;
                }
            }
            else
            {
                slot.State = PendingState.Failed;
                slot.Error = WriteFailed(writeError, slot.Offset);
                if (_abortError is null || seq < _abortSeq)
                {
                    _abortError = slot.Error;
                    _abortSeq = seq;
                    _abortOffset = slot.Offset;
                }
            }

            while (_writtenSeq < _reserveSeq && Slot(_writtenSeq).State == PendingState.Written)
            {
                _written = Slot(_writtenSeq).End;
                _writtenSeq++;
            }

            if (_writtenSeq == _reserveSeq)
            {
                _written = _tail;
            }

            if (_options.SyncPolicy == SyncPolicy.None && _written > _durable)
            {
                _durable = _written;
                AcknowledgeLocked(_durable);
            }

            AssertOffsetsLocked();
            WakeSyncerLocked();
        }
    }

    /// <summary>The exception a failed write's own writer sees; seals the volume. The caller holds <see cref="_lock"/>.</summary>
    private IOException WriteFailed(Exception error, long offset)
    {
        if (error.HResult is IO.LibC.ENOSPC or IO.LibC.EDQUOT)
        {
            SealLocked(SealReason.DiskFull);
            return new VolumeFullException(
                Id,
                SealReason.DiskFull,
                $"Volume {Id}: the disk is full (writing at offset {offset} in '{_paths.Data}'); the needle was not stored and the volume is now sealed.",
                error);
        }

        SealLocked(SealReason.IOError);
        return new IOException($"Volume {Id}: writing at offset {offset} failed; the needle was not stored and the volume is now sealed.", error);
    }

    private void GrowRingLocked()
    {
        var ring = new PendingWrite[_ring.Length * 2];
        for (var seq = _ackSeq; seq < _reserveSeq; seq++)
        {
            ring[seq & (ring.Length - 1)] = Slot(seq);
        }

        _ring = ring;
    }
}
