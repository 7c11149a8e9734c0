namespace Speedy.Volume;

/// <summary>
/// Thrown where a <see cref="VolumeFaults"/> hook stops the engine as a killed process would stop: the volume
/// cleans nothing up and takes no further operations, and reopening it runs recovery.
/// </summary>
internal sealed class SimulatedCrashException : Exception
{
    public SimulatedCrashException()
    {
    }

    public SimulatedCrashException(string message)
        : base(message)
    {
    }

    public SimulatedCrashException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
