namespace Speedy.Index.Store;

/// <summary>A user or a robot account, as stored.</summary>
public sealed record Account
{
    public required long Id { get; init; }

    /// <summary>A user's name (also its namespace's), or <c>robot$namespace+name</c>.</summary>
    public required string Name { get; init; }

    public required AccountKind Kind { get; init; }

    /// <summary>A user's bcrypt password hash; a robot's SHA-256 of its secret (lower-case hex).</summary>
    public required string SecretHash { get; init; }

    public bool IsAdmin { get; init; }

    public bool IsDisabled { get; init; }

    /// <summary>Failed sign-ins in the current failure window.</summary>
    public int FailedLogins { get; init; }

    /// <summary>Until when sign-ins are refused after too many failures.</summary>
    public DateTimeOffset? LockedUntil { get; init; }

    public required DateTimeOffset Created { get; init; }

    public DateTimeOffset? LastLogin { get; init; }

    /// <summary>A robot's namespace; null for users.</summary>
    public string? Namespace { get; init; }

    /// <summary>When a robot stops working; null for users and robots that never expire.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    public string Description { get; init; } = string.Empty;

    /// <summary>A robot's rights; empty for users.</summary>
    public IReadOnlyList<RobotRight> Rights { get; init; } = [];

    public bool IsRobot => Kind == AccountKind.Robot;

    /// <summary>Whether sign-in is refused by a lockout at <paramref name="now"/>.</summary>
    public bool IsLockedAt(DateTimeOffset now) => LockedUntil is { } until && until > now;

    /// <summary>Whether a robot has expired at <paramref name="now"/>.</summary>
    public bool IsExpiredAt(DateTimeOffset now) => ExpiresAt is { } expires && expires <= now;
}
