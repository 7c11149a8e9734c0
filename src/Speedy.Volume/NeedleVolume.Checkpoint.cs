using System.Buffers;
using Speedy.Volume.Index;

namespace Speedy.Volume;

public sealed partial class NeedleVolume
{
    /// <summary>
    /// Writes the index checkpoint now (it is also written every <see cref="VolumeOptions.CheckpointInterval"/>
    /// bytes, off the append path, and on dispose). Not synced: a lost checkpoint only means a longer scan.
    /// </summary>
    public async Task CheckpointAsync(CancellationToken cancellationToken = default)
    {
        await _maintenance.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_closing || _crashed, this);
            WriteCheckpoint();
        }
        finally
        {
            _maintenance.Release();
        }
    }

    private async Task CheckpointInBackgroundAsync()
    {
        await _maintenance.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_closing && !_crashed)
            {
                TryWriteCheckpoint();
            }
        }
        finally
        {
            _maintenance.Release();
            lock (_lock)
            {
                _checkpointRunning = false;
            }
        }
    }

    /// <summary>A checkpoint is an optimisation: failing to write one (a full disk) is not an error.</summary>
    private void TryWriteCheckpoint()
    {
        try
        {
            WriteCheckpoint();
        }
        catch (IOException)
        {
            File.Delete(IO.VolumePaths.Temporary(_paths.Index));
        }
    }

    /// <summary>
    /// Copies the index under the index lock (a memory copy; the lock is held for about a millisecond per 100,000
    /// needles) and writes it outside. The caller holds <see cref="_maintenance"/>, so the data file is not swapped.
    /// </summary>
    private void WriteCheckpoint()
    {
        NeedleEntry[] entries;
        int count;
        CheckpointState state;
        Format.Superblock superblock;
        lock (_indexLock)
        {
            count = _index.Count;
            entries = ArrayPool<NeedleEntry>.Shared.Rent(Math.Max(count, 1));
            _index.Map.CopyTo(entries);
            state = CheckpointState.Of(_index);
            superblock = _superblock;
        }

        try
        {
            IndexCheckpoint.Write(_paths.Index, superblock, state, entries.AsSpan(0, count), durable: false);
            lock (_lock)
            {
                _checkpointedEnd = Math.Max(_checkpointedEnd, state.End);
            }
        }
        finally
        {
            ArrayPool<NeedleEntry>.Shared.Return(entries);
        }
    }
}
