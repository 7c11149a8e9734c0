using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using Speedy.Auth;
using Speedy.Index.Store;

namespace Speedy.Index.Tokens;

/// <summary>
/// The token endpoint: Docker's <c>GET /token</c> (Basic credentials or anonymous) and OAuth2's <c>POST /token</c>
/// (password and refresh_token grants). Scopes that do not parse, or are not allowed, are left out of the token's
/// <c>access</c>; the registry then refuses what they would have allowed.
/// </summary>
internal sealed class TokenService(
    CredentialVerifier verifier,
    AccessPolicy policy,
    TokenIssuer issuer,
    IIndexStore store,
    IndexOptions options,
    TimeProvider timeProvider)
{
    private const int MaxScopes = 64;
    private const string DefaultClientId = "speedy";

    public async Task GetAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var query = context.Request.Query;
        if (!IsOurService(query["service"]))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "UNSUPPORTED", "invalid_request", $"this index issues tokens for service \"{options.Service}\" only");
            return;
        }

        IndexPrincipal? principal = null;
        if (context.Request.Headers.Authorization is { Count: > 0 } authorization)
        {
            if (!TryParseBasic(authorization.ToString(), out var name, out var secret))
            {
                await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "invalid_client", "credentials must be HTTP Basic");
                return;
            }

            var login = await verifier.VerifyAsync(name, secret, RemoteAddress(context), cancellationToken);
            if (!await AcceptAsync(context, login))
            {
                return;
            }

            principal = login.Principal;
        }

        var offline = string.Equals(query["offline_token"], "true", StringComparison.OrdinalIgnoreCase);
        var clientId = query["client_id"].ToString();
        await IssueAsync(context, principal, ParseScopes(query["scope"]), offline, clientId, includeScope: false);
    }

    public async Task PostAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        if (!context.Request.HasFormContentType)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "UNSUPPORTED", "invalid_request", "the body must be application/x-www-form-urlencoded");
            return;
        }

        IFormCollection form;
        try
        {
            form = await context.Request.ReadFormAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "UNSUPPORTED", "invalid_request", "the form cannot be read: " + ex.Message);
            return;
        }

        if (!IsOurService(form["service"]))
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "UNSUPPORTED", "invalid_request", $"this index issues tokens for service \"{options.Service}\" only");
            return;
        }

        IndexPrincipal principal;
        var grantType = form["grant_type"].ToString();
        switch (grantType)
        {
            case "password":
                {
                    var name = form["username"].ToString();
                    var password = form["password"].ToString();
                    if (name.Length == 0 || password.Length == 0)
                    {
                        await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "UNSUPPORTED", "invalid_request", "the password grant needs username and password");
                        return;
                    }

                    var login = await verifier.VerifyAsync(name, password, RemoteAddress(context), cancellationToken);
                    if (!await AcceptAsync(context, login))
                    {
                        return;
                    }

                    principal = login.Principal!; // AcceptAsync passes only successes, which carry the principal.
                    break;
                }

            case "refresh_token":
                {
                    var refreshed = await RefreshAsync(context, form["refresh_token"].ToString());
                    if (refreshed is null)
                    {
                        return;
                    }

                    principal = refreshed;
                    break;
                }

            default:
                await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "UNSUPPORTED", "unsupported_grant_type", "grant_type must be password or refresh_token");
                return;
        }

        var offline = grantType == "password" && string.Equals(form["access_type"], "offline", StringComparison.Ordinal);
        await IssueAsync(context, principal, ParseScopes(form["scope"]), offline, form["client_id"].ToString(), includeScope: true);
    }

    /// <summary>The principal of a valid refresh token, or null after answering the error.</summary>
    private async Task<IndexPrincipal?> RefreshAsync(HttpContext context, string refreshToken)
    {
        var cancellationToken = context.RequestAborted;
        if (refreshToken.Length == 0)
        {
            await WriteErrorAsync(context, StatusCodes.Status400BadRequest, "UNSUPPORTED", "invalid_request", "the refresh_token grant needs refresh_token");
            return null;
        }

        var now = timeProvider.GetUtcNow();
        var stored = refreshToken.Length <= 200 ? await store.FindRefreshTokenAsync(IndexSecrets.Hash(refreshToken), cancellationToken) : null;
        var account = stored is null ? null : await store.GetAccountAsync(stored.AccountId, cancellationToken);
        var reason = stored is null ? "unknown refresh token"
            : stored.RevokedAt is not null ? "revoked refresh token"
            : !stored.IsActiveAt(now) ? "expired refresh token"
            : account is null || account.IsDisabled ? "account disabled or deleted"
            : account.IsLockedAt(now) ? "account locked"
            : null;
        if (reason is null)
        {
            return new IndexPrincipal(account!); // reason is null only when the account exists.
        }

        var failure = await verifier.FailAsync(account?.Name ?? string.Empty, reason, RemoteAddress(context), cancellationToken);
        await AcceptAsync(context, failure);
        return null;
    }

    private async Task IssueAsync(
        HttpContext context, IndexPrincipal? principal, IReadOnlyList<ResourceAccess> scopes, bool offline, string clientId, bool includeScope)
    {
        var cancellationToken = context.RequestAborted;
        var access = await policy.GrantAsync(principal, scopes, cancellationToken);
        var token = issuer.Issue(principal?.Account.Name ?? string.Empty, access);
        string? refreshToken = null;

        // Refresh tokens stand for a user's password login only: a personal access token or a robot secret is the
        // long-lived credential itself, and a refresh token would outlive its scopes, revocation or expiry.
        if (offline && principal is { AccessToken: null, Account.IsRobot: false } user)
        {
            refreshToken = IndexSecrets.Create(IndexSecrets.RefreshTokenPrefix);
            await store.CreateRefreshTokenAsync(
                user.Account.Id,
                IndexSecrets.Hash(refreshToken),
                clientId.Length is > 0 and <= 100 ? clientId : DefaultClientId,
                timeProvider.GetUtcNow() + options.RefreshTokenLifetime,
                cancellationToken);
        }

        var response = new TokenResponse(
            token.Token,
            token.Token,
            (int)(token.ExpiresAt - token.IssuedAt).TotalSeconds,
            token.IssuedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            refreshToken,
            includeScope ? string.Join(' ', access) : null);
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsJsonAsync(response, IndexJsonContext.Default.TokenResponse, contentType: null, cancellationToken);
    }

    /// <summary>True for a success; otherwise answers 401 or 429 (with Retry-After) and returns false.</summary>
    private static async Task<bool> AcceptAsync(HttpContext context, LoginResult login)
    {
        switch (login.Status)
        {
            case LoginStatus.Succeeded:
                return true;
            case LoginStatus.Throttled:
                var seconds = (long)Math.Ceiling(Math.Max(1, login.RetryAfter?.TotalSeconds ?? 1));
                context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, "TOOMANYREQUESTS", "slow_down", $"too many failed sign-ins; try again in {seconds} s");
                return false;
            default:
                await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "UNAUTHORIZED", "invalid_grant", "incorrect username or password");
                return false;
        }
    }

    internal static Task WriteErrorAsync(HttpContext context, int status, string code, string error, string message)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.CacheControl = "no-store";
        if (status == StatusCodes.Status401Unauthorized)
        {
            context.Response.Headers.WWWAuthenticate = "Basic realm=\"speedy\"";
        }

        return context.Response.WriteAsJsonAsync(
            new ErrorResponse([new ErrorEntry(code, message)], error, message),
            IndexJsonContext.Default.ErrorResponse,
            contentType: null,
            context.RequestAborted);
    }

    private bool IsOurService(StringValues service) =>
        StringValues.IsNullOrEmpty(service) || (service.Count == 1 && string.Equals(service[0], options.Service, StringComparison.Ordinal));

    /// <summary>Every scope of the repeated parameter, each value split at spaces (OAuth2's form); malformed ones are dropped.</summary>
    private static List<ResourceAccess> ParseScopes(StringValues values)
    {
        var scopes = new List<ResourceAccess>();
        foreach (var value in values)
        {
            foreach (var scope in (value ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
            {
                if (scopes.Count < MaxScopes && ResourceAccess.Parse(scope) is { } parsed)
                {
                    scopes.Add(parsed);
                }
            }
        }

        return scopes;
    }

    private static bool TryParseBasic(string header, out string name, out string secret)
    {
        name = string.Empty;
        secret = string.Empty;
        if (!AuthenticationHeaderValue.TryParse(header, out var value) ||
            !string.Equals(value.Scheme, "Basic", StringComparison.OrdinalIgnoreCase) || value.Parameter is null)
        {
            return false;
        }

        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(value.Parameter));
        }
        catch (FormatException)
        {
            return false;
        }

        var colon = decoded.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            return false;
        }

        name = decoded[..colon];
        secret = decoded[(colon + 1)..];
        return secret.Length > 0;
    }

    internal static string RemoteAddress(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? string.Empty;
}
