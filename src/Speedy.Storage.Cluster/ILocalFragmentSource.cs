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
    /// healthy copy of it: <see langword="true"/> only when the bytes read are checked to have the CRC-32C
    /// <paramref name="crc"/> (the volume checks its record's, so comparing that to <paramref name="crc"/> suffices).
    /// <see langword="false"/> otherwise, and an exception on a local failure: the driver then asks the image servers.
    /// </summary>
    ValueTask<bool> TryReadAsync(string fid, uint crc, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="data"/>, whose CRC-32C the driver computed as <paramref name="crc"/>, on every member of a
    /// writable group, as an image server's <c>PUT /v1/fragments</c> does, and returns its file id. The CRC goes into
    /// the volumes' records as it is: within one process the bytes are not checked again. Any exception makes the
    /// driver try the image servers over HTTP, with its retries.
    /// </summary>
    Task<string> UploadAsync(ReadOnlyMemory<byte> data, uint crc, int index, long offset, CancellationToken cancellationToken);
}
