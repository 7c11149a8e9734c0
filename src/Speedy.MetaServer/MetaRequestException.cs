namespace Speedy.MetaServer;

/// <summary>A request the meta server refuses, with the status to answer.</summary>
internal sealed class MetaRequestException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
