using Microsoft.AspNetCore.Http;

namespace Speedy.ChunkServer;

/// <summary>What the next hop of a chained write answered: the CRC-32C it stored, or why it failed.</summary>
internal readonly record struct HopOutcome(uint Crc, string? Error, int Status = StatusCodes.Status502BadGateway)
{
    public static HopOutcome None => default;

    /// <summary>A failed hop: 502, or the 507/409 of a full or sealed volume, which the writer retries elsewhere.</summary>
    public static HopOutcome Failed(string error, int status = StatusCodes.Status502BadGateway) => new(0, error, status);
}
