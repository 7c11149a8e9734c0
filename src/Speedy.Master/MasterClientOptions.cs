namespace Speedy.Master;

/// <summary>How a <see cref="MasterClient"/> talks to the masters.</summary>
public sealed class MasterClientOptions
{
    /// <summary>A cached topology younger than this is served without asking the masters.</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one master may take to answer before the next is asked.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
