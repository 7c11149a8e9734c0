using Microsoft.Extensions.DependencyInjection;
using Speedy.Volume;

namespace Speedy.ChunkServer;

/// <summary>
/// A chunk server that runs in this process, reached without HTTP: the all-in-one <c>speedy server</c>'s short paths.
/// <see cref="TryRead"/> does what <c>GET /needles/{fid}</c> does (every read checks the record's CRC-32C) and
/// <see cref="WriteAsync"/> what an unchained <c>PUT /needles/{fid}</c> does (durable when it returns).
/// </summary>
public sealed class InProcessChunkServer
{
    private readonly VolumeSet _volumes;

    private InProcessChunkServer(VolumeSet volumes)
    {
        _volumes = volumes;
    }

    /// <summary>The group the chunk server belongs to.</summary>
    public uint Group => _volumes.Group.Value;

    /// <summary>The chunk server whose host's services are <paramref name="services"/>.</summary>
    public static InProcessChunkServer Of(IServiceProvider services) => new(services.GetRequiredService<VolumeSet>());

    /// <summary>
    /// Appends the needle <paramref name="fileId"/>, whose CRC-32C the caller computed as <paramref name="crc"/>, and
    /// returns once it is durable.
    /// </summary>
    /// <remarks>Throws when the server is syncing, the file id names no volume it can create, or the volume fails.</remarks>
    public async Task WriteAsync(FileId fileId, ReadOnlyMemory<byte> data, uint crc, CancellationToken cancellationToken)
    {
        _volumes.ThrowIfSyncing();
        var volume = _volumes.GetOrCreate(fileId, data.Length);
        await volume.AppendAsync(fileId.Needle, fileId.Cookie, data, crc, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads the whole needle <paramref name="fileId"/> into <paramref name="destination"/>, with the CRC-32C the
    /// volume checked it against; false when this server does not hold it or it does not fit.
    /// </summary>
    /// <exception cref="VolumeCorruptionException">The record fails its checksum.</exception>
    public bool TryRead(FileId fileId, Span<byte> destination, out int bytesRead, out uint checksum)
    {
        bytesRead = 0;
        checksum = 0;
        var volume = _volumes.Find(fileId.Volume);
        return volume is not null
            && volume.TryGetLength(fileId.Needle, fileId.Cookie, out var length)
            && length <= destination.Length
            && volume.TryRead(fileId.Needle, fileId.Cookie, destination, out bytesRead, out checksum);
    }
}
