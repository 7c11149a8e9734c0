namespace Speedy.MetaServer;

/// <summary>
/// <see cref="MetaClient"/> could not complete an operation on any meta server. When <see cref="OutcomeUnknown"/> is
/// set, a server may have applied the write before the failure (the request was sent, the answer never came), so
/// the caller must find out by reading, e.g. with a Stat of a move's source and destination.
/// </summary>
public sealed class MetaServerUnavailableException : IOException
{
    public MetaServerUnavailableException()
    {
    }

    public MetaServerUnavailableException(string message)
        : base(message)
    {
    }

    public MetaServerUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public MetaServerUnavailableException(string message, bool outcomeUnknown, Exception? innerException)
        : base(message, innerException)
    {
        OutcomeUnknown = outcomeUnknown;
    }

    /// <summary>Whether the write may have been applied although it failed.</summary>
    public bool OutcomeUnknown { get; }
}
