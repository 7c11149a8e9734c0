namespace Speedy.ImageServer;

/// <summary>A fragment request that cannot be served, with the status to answer.</summary>
internal sealed class FragmentException(int status, string message) : Exception(message)
{
    public int Status { get; } = status;
}
