using Microsoft.AspNetCore.Http;
using Speedy.Auth;

namespace Speedy.Registry.Auth;

/// <summary>
/// Who made the request and what they may do, set as a request feature by <see cref="RegistryAuthorization"/> before
/// the endpoint runs. Absent when authentication is off: then the request is anonymous and may do everything.
/// </summary>
internal sealed class RegistryPrincipal
{
    private readonly TokenValidationOutcome? _token;

    /// <param name="subject">The account name; null when anonymous.</param>
    /// <param name="token">The validated token whose access is granted; null grants everything (an htpasswd user).</param>
    public RegistryPrincipal(string? subject, TokenValidationOutcome? token)
    {
        Subject = subject;
        _token = token;
    }

    public string? Subject { get; }

    /// <summary>The request's subject, null when anonymous or when authentication is off.</summary>
    public static string? SubjectOf(HttpContext context) => context.Features.Get<RegistryPrincipal>()?.Subject;

    /// <summary>
    /// Whether the request may do <paramref name="action"/> on the repository beyond what its endpoint required
    /// (the source of a cross-repository mount). Without a principal the registry has authentication off, which
    /// <paramref name="authorization"/> confirms, so that a request that skipped authorization can never pass.
    /// </summary>
    public static bool MayAccessRepository(HttpContext context, RegistryAuthorization authorization, string name, string action)
    {
        if (context.Features.Get<RegistryPrincipal>() is { } principal)
        {
            return principal._token is null || principal._token.Allows(ResourceTypes.Repository, name, action);
        }

        return !authorization.Enabled;
    }
}
