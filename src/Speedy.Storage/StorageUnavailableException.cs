namespace Speedy.Storage;

/// <summary>
/// The storage backend cannot be reached or did not finish the operation, after the driver's own retries: the
/// request may succeed if the client tries again later. The registry answers 503.
/// </summary>
public sealed class StorageUnavailableException : Exception
{
    public StorageUnavailableException()
    {
    }

    public StorageUnavailableException(string message)
        : base(message)
    {
    }

    public StorageUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
