using Speedy.ChunkServer;
using Speedy.ImageServer;
using Speedy.Storage.Cluster;
using Speedy.Volume;

namespace Speedy.Cluster;

/// <summary>
/// The all-in-one's short paths. Reads: a fragment held by one of this process's chunk servers is read from its volume
/// directly, not through the image server and a chunk server's HTTP API; anything else, and any local failure (a
/// corrupt record, a volume being closed), goes the long way, where replicas are failed over and damage is reported
/// and repaired. Writes: fragments go to this process's image server without the HTTP hop.
/// </summary>
internal sealed class LocalFragmentSource(IReadOnlyList<InProcessChunkServer> readers, LocalFragmentWriter writer) : ILocalFragmentSource
{
    public async Task<string> UploadAsync(ReadOnlyMemory<byte> data, uint crc, int index, long offset, CancellationToken cancellationToken) =>
        (await writer.UploadAsync(data, crc, index, offset, cancellationToken).ConfigureAwait(false)).Fid;

    public ValueTask<bool> TryReadAsync(string fid, uint crc, Memory<byte> destination, CancellationToken cancellationToken)
    {
        if (!FileId.TryParse(fid, out var fileId))
        {
            return ValueTask.FromResult(false);
        }

        foreach (var reader in readers)
        {
            if (reader.Group == fileId.Group.Value && reader.TryRead(fileId, destination.Span, out var read, out var checksum))
            {
                return ValueTask.FromResult(read == destination.Length && checksum == crc);
            }
        }

        return ValueTask.FromResult(false);
    }
}
