namespace Speedy.Index.Store;

/// <summary>An account's state after a failed sign-in was counted.</summary>
public sealed record LoginFailure(int FailedLogins, DateTimeOffset? LockedUntil);
