namespace Speedy.Index.Web.Registry;

/// <summary>The registry did not answer, answered with an error, or refused the index's token; the message says which.</summary>
public sealed class RegistryUnavailableException : Exception
{
    public RegistryUnavailableException()
    {
    }

    public RegistryUnavailableException(string message)
        : base(message)
    {
    }

    public RegistryUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
