namespace Speedy.Registry.Http;

/// <summary>
/// Bounds the memory that blob GETs hold in Kestrel's output buffers at once. Each read asks for the driver's preferred
/// size (a whole 4 MiB fragment on the <c>speedy</c> driver), which Kestrel takes from the shared array pool; without a
/// bound, 256 streams hold 1 GiB and the pool, which keeps a few dozen such arrays, turns the rest into garbage for the
/// GC to find later. With one, a stream waits for a slot between its reads: the machine sends no fewer bytes, it just
/// takes them from fewer buffers.
/// </summary>
internal sealed class BlobReadBudget : IDisposable
{
    /// <summary>The bytes all blob GETs may hold in output buffers together: 64 fragments of 4 MiB, 1024 reads of 256 KiB.</summary>
    public const int Bytes = 256 << 20;

    private readonly SemaphoreSlim _slots;

    public BlobReadBudget(int readSize)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(readSize);
        ReadSize = readSize;
        _slots = new SemaphoreSlim(Math.Max(1, Bytes / readSize));
    }

    /// <summary>The bytes one read asks for: the driver's preferred read size.</summary>
    public int ReadSize { get; }

    /// <summary>Waits for a slot; the caller releases it with <see cref="Release"/> once its read is flushed.</summary>
    public Task WaitAsync(CancellationToken cancellationToken) => _slots.WaitAsync(cancellationToken);

    public void Release() => _slots.Release();

    public void Dispose() => _slots.Dispose();
}
