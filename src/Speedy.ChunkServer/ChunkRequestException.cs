namespace Speedy.ChunkServer;

/// <summary>A request the chunk server refuses, with the status to answer.</summary>
internal sealed class ChunkRequestException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
