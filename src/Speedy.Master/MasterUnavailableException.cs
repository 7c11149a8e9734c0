namespace Speedy.Master;

/// <summary>No master answered (and, for the topology, none ever had).</summary>
public sealed class MasterUnavailableException : Exception
{
    public MasterUnavailableException()
    {
    }

    public MasterUnavailableException(string message)
        : base(message)
    {
    }

    public MasterUnavailableException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
