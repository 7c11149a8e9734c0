namespace Speedy.Storage.Cluster;

/// <summary>
/// A shorter way to fragments, tried before the image servers over HTTP: the all-in-one <c>speedy server</c> reads the
/// needles of its own chunk servers straight from their volumes, and stores fragments through its own image server
/// without the HTTP hop.
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

    /// <summary>
    /// Stores <paramref name="data"/> on every member of a writable group, as an image server's
    /// <c>PUT /v1/fragments</c> does, and returns its file id and the CRC-32C the store computed. Any exception makes
    /// the driver try the image servers over HTTP, with its retries.
    /// </summary>
    Task<(string Fid, uint Crc)> UploadAsync(ReadOnlyMemory<byte> data, int index, long offset, CancellationToken cancellationToken);
}
