namespace Speedy.Testing;

/// <summary>`speedy` died or never became ready; the message carries its whole output.</summary>
public sealed class SpeedyStartException : Exception
{
    public SpeedyStartException()
    {
    }

    public SpeedyStartException(string message)
        : base(message)
    {
    }

    public SpeedyStartException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public SpeedyStartException(string message, bool addressInUse)
        : base(message) => AddressInUse = addressInUse;

    /// <summary>The process said its listen address was taken.</summary>
    public bool AddressInUse { get; }
}
