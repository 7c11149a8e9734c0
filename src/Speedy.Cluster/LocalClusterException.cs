namespace Speedy.Cluster;

/// <summary>
/// A local cluster cannot start on its data directory: another process holds it, the requested layout contradicts the
/// one it was created with, or its layout file is damaged. The message says which, in one line.
/// </summary>
public sealed class LocalClusterException : Exception
{
    public LocalClusterException()
    {
    }

    public LocalClusterException(string message)
        : base(message)
    {
    }

    public LocalClusterException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
