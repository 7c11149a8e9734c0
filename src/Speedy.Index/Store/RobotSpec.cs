namespace Speedy.Index.Store;

/// <summary>A robot account to create; its name becomes <c>robot$Namespace+Name</c>.</summary>
public sealed record RobotSpec
{
    public required string Namespace { get; init; }

    /// <summary>The short name, a lower-case name component (e.g. <c>ci</c>).</summary>
    public required string Name { get; init; }

    /// <summary>SHA-256 of the robot's secret, lower-case hex.</summary>
    public required string SecretHash { get; init; }

    public required IReadOnlyList<RobotRight> Rights { get; init; }

    public DateTimeOffset? ExpiresAt { get; init; }

    public string Description { get; init; } = string.Empty;
}
