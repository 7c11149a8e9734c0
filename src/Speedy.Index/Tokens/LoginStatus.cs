namespace Speedy.Index.Tokens;

/// <summary>The outcome of a sign-in.</summary>
public enum LoginStatus
{
    Succeeded = 0,

    /// <summary>Unknown account, wrong secret, disabled, expired or revoked: 401.</summary>
    Failed = 1,

    /// <summary>The account is locked or the address throttled: 429 with Retry-After.</summary>
    Throttled = 2,
}
