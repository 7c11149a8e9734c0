using Microsoft.Extensions.DependencyInjection;
using Speedy.Volume;

namespace Speedy.ChunkServer;

/// <summary>
/// Reads the needles of a chunk server that runs in this process straight from its volumes, as its
/// <c>GET /needles/{fid}</c> does but without HTTP: the all-in-one <c>speedy server</c>'s short read path. Every read
/// checks the record's CRC-32C, as over HTTP.
/// </summary>
public sealed class LocalNeedleReader
{
    private readonly VolumeSet _volumes;

    private LocalNeedleReader(VolumeSet volumes)
    {
        _volumes = volumes;
    }

    /// <summary>The group the chunk server belongs to.</summary>
    public uint Group => _volumes.Group.Value;

    /// <summary>The reader of the chunk server whose host's services are <paramref name="services"/>.</summary>
    public static LocalNeedleReader Of(IServiceProvider services) => new(services.GetRequiredService<VolumeSet>());

    /// <summary>
    /// Reads the whole needle <paramref name="fileId"/> into <paramref name="destination"/>; false when this server
    /// does not hold it or it does not fit.
    /// </summary>
    /// <exception cref="VolumeCorruptionException">The record fails its checksum.</exception>
    public bool TryRead(FileId fileId, Span<byte> destination, out int bytesRead)
    {
        bytesRead = 0;
        var volume = _volumes.Find(fileId.Volume);
        return volume is not null
            && volume.TryGetLength(fileId.Needle, fileId.Cookie, out var length)
            && length <= destination.Length
            && volume.TryRead(fileId.Needle, fileId.Cookie, destination, out bytesRead);
    }
}
