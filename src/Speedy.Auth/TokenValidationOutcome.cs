using System.Diagnostics.CodeAnalysis;

namespace Speedy.Auth;

/// <summary>
/// What <see cref="TokenValidator"/> made of a bearer token: valid, with its subject and the access it grants, or
/// invalid, with the reason (for the registry's log and the error message, never for a decision).
/// </summary>
public sealed class TokenValidationOutcome
{
    private TokenValidationOutcome(bool isValid, string? subject, IReadOnlyList<ResourceAccess> access, string? failure)
    {
        IsValid = isValid;
        Subject = subject;
        Access = access;
        Failure = failure;
    }

    [MemberNotNullWhen(false, nameof(Failure))]
    public bool IsValid { get; }

    /// <summary>The account the token was issued to (<c>sub</c>); null for an anonymous token or an invalid one.</summary>
    public string? Subject { get; }

    /// <summary>The valid entries of the <c>access</c> claim; empty for an invalid token.</summary>
    public IReadOnlyList<ResourceAccess> Access { get; }

    /// <summary>Why the token was refused; null when it is valid.</summary>
    public string? Failure { get; }

    public static TokenValidationOutcome Valid(string? subject, IReadOnlyList<ResourceAccess> access) =>
        new(true, string.IsNullOrEmpty(subject) ? null : subject, access, null);

    public static TokenValidationOutcome Invalid(string failure) => new(false, null, [], failure);

    /// <summary>Whether the token grants <paramref name="action"/> on the resource.</summary>
    public bool Allows(string type, string name, string action)
    {
        foreach (var entry in Access)
        {
            if (entry.Allows(type, name, action))
            {
                return true;
            }
        }

        return false;
    }
}
