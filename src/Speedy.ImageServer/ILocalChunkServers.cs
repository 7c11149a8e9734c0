using Speedy.Volume;

namespace Speedy.ImageServer;

/// <summary>
/// Chunk servers that run in the image server's own process (the all-in-one <c>speedy server</c>): a fragment for a
/// group whose members are all here is appended to each member's volume directly, side by side, instead of through a
/// chain of loopback HTTP hops. Success, as for a chain, only when every member holds it durably.
/// </summary>
public interface ILocalChunkServers
{
    /// <summary>Whether the chunk server at <paramref name="memberUrl"/> runs in this process.</summary>
    bool Contains(string memberUrl);

    /// <summary>
    /// Appends the needle, whose CRC-32C is <paramref name="crc"/>, on the in-process chunk server at
    /// <paramref name="memberUrl"/>; durable when it returns.
    /// </summary>
    Task WriteAsync(string memberUrl, FileId fileId, ReadOnlyMemory<byte> data, uint crc, CancellationToken cancellationToken);
}
