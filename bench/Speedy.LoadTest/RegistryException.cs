namespace Speedy.LoadTest;

/// <summary>
/// A request that did not do what the registry API says: the message names the request (method and path) and what
/// came back instead (status code and the start of the body, a wrong digest or length, or the transport's error).
/// </summary>
internal sealed class RegistryException : Exception
{
    public RegistryException(string message)
        : base(message)
    {
    }

    public RegistryException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
