namespace Speedy.ImageServer;

/// <summary>A fragment's bytes as read from a replica, and their CRC-32C.</summary>
internal sealed record CachedFragment(byte[] Bytes, uint Crc);
