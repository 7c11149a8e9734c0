namespace Speedy.Storage.Cluster;

/// <summary>What an image server answers to a fragment upload: where the fragment lives and its CRC-32C.</summary>
internal sealed record StoredFragment(string Fid, long Size, uint Crc);
