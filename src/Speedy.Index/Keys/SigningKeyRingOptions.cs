namespace Speedy.Index.Keys;

/// <summary>When <see cref="SigningKeyRing"/> makes keys and when a new one starts signing.</summary>
public sealed record SigningKeyRingOptions
{
    /// <summary>A new key is made when the newest is this old.</summary>
    public TimeSpan RotationInterval { get; init; } = TimeSpan.FromDays(30);

    /// <summary>How long a new key is published before it signs (longer than registries cache the JWKS).</summary>
    public TimeSpan PublishDelay { get; init; } = TimeSpan.FromHours(1);
}
