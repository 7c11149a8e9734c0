namespace Speedy.Storage.Cluster;

/// <summary>
/// A shorter way to some fragments, tried before the image servers: the all-in-one <c>speedy server</c> reads the
/// needles of its own chunk servers straight from their volumes instead of over two loopback HTTP hops.
/// </summary>
public interface ILocalFragmentSource
{
    /// <summary>
    /// Reads the whole fragment <paramref name="fid"/> into <paramref name="destination"/> when this process holds a
    /// healthy copy of it; <see langword="false"/> when it does not (the driver then asks the image servers). The
    /// driver checks the bytes against <paramref name="crc"/> and falls back to the image servers on a mismatch or
    /// an exception.
    /// </summary>
    ValueTask<bool> TryReadAsync(string fid, uint crc, Memory<byte> destination, CancellationToken cancellationToken);
}
