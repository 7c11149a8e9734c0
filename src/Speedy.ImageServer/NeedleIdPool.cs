using Speedy.Volume;

namespace Speedy.ImageServer;

/// <summary>
/// Needle ids for this image server's writes, leased from the master a batch at a time so a fragment upload
/// usually takes one without a round trip. Thread-safe.
/// </summary>
internal sealed class NeedleIdPool(ITopologySource topology, ImageServerOptions options) : IDisposable
{
    private readonly SemaphoreSlim _refill = new(1, 1);
    private readonly Lock _lock = new();
    private ulong _next;
    private ulong _end;

    public async ValueTask<NeedleId> NextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_lock)
            {
                if (_next < _end)
                {
                    return new NeedleId(_next++);
                }
            }

            await _refill.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                bool empty;
                lock (_lock)
                {
                    empty = _next >= _end;
                }

                if (empty)
                {
                    var lease = await topology.AcquireNeedleIdsAsync(options.NeedleIdBatch, cancellationToken).ConfigureAwait(false);
                    if (lease.End <= lease.Start)
                    {
                        throw new FragmentException(503, $"the master leased no needle ids ({lease.Start}..{lease.End})");
                    }

                    lock (_lock)
                    {
                        _next = lease.Start;
                        _end = lease.End;
                    }
                }
            }
            finally
            {
                _refill.Release();
            }
        }
    }

    public void Dispose() => _refill.Dispose();
}
