using Speedy.ChunkServer;
using Speedy.ImageServer;
using Speedy.Volume;

namespace Speedy.Cluster;

/// <summary>The cluster's chunk servers by the URL they advertise, for the image server's in-process writes.</summary>
internal sealed class LocalChunkServers(IEnumerable<(string Url, InProcessChunkServer Server)> servers) : ILocalChunkServers
{
    private readonly Dictionary<string, InProcessChunkServer> _servers = servers.ToDictionary(pair => pair.Url, pair => pair.Server, StringComparer.OrdinalIgnoreCase);

    public bool Contains(string memberUrl) => _servers.ContainsKey(memberUrl.TrimEnd('/'));

    public Task WriteAsync(string memberUrl, FileId fileId, ReadOnlyMemory<byte> data, uint crc, CancellationToken cancellationToken) =>
        _servers[memberUrl.TrimEnd('/')].WriteAsync(fileId, data, crc, cancellationToken);
}
