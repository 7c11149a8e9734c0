namespace Speedy.Index.Tokens;

/// <summary>A sign-in's outcome: the principal when it succeeded, how long to wait when it was throttled.</summary>
public sealed record LoginResult(LoginStatus Status, IndexPrincipal? Principal = null, TimeSpan? RetryAfter = null)
{
    public static LoginResult Failed { get; } = new(LoginStatus.Failed);

    public static LoginResult Throttled(TimeSpan retryAfter) => new(LoginStatus.Throttled, RetryAfter: retryAfter);
}
