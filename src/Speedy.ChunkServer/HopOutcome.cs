namespace Speedy.ChunkServer;

/// <summary>What the next hop of a chained write answered: the CRC-32C it stored, or why it failed.</summary>
internal readonly record struct HopOutcome(uint Crc, string? Error)
{
    public static HopOutcome None => default;

    public static HopOutcome Failed(string error) => new(0, error);
}
