using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Speedy.Index.Store;

namespace Speedy.Index.Web;

/// <summary>
/// The sign-in cookie's content and its check on every request: the cookie names an account id and a stamp of the
/// account's password hash; each request reloads the account, so a disabled or deleted account, or a changed password,
/// ends every session at once, and a granted or revoked admin flag applies on the next page.
/// </summary>
internal static class WebSession
{
    private const string StampClaim = "speedy:stamp";

    /// <summary>The claims the cookie carries for <paramref name="account"/>.</summary>
    public static ClaimsPrincipal CreatePrincipal(Account account)
    {
        var identity = new ClaimsIdentity(
            [
                new Claim(ClaimTypes.NameIdentifier, account.Id.ToString(CultureInfo.InvariantCulture)),
                new Claim(ClaimTypes.Name, account.Name),
                new Claim(StampClaim, Stamp(account)),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme);
        return new ClaimsPrincipal(identity);
    }

    /// <summary>The cookie handler's <c>OnValidatePrincipal</c>: loads the account into the request, or ends the session.</summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var principal = context.Principal;
        var store = context.HttpContext.RequestServices.GetRequiredService<IIndexStore>();
        var account = long.TryParse(principal?.FindFirstValue(ClaimTypes.NameIdentifier), NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? await store.GetAccountAsync(id, context.HttpContext.RequestAborted)
            : null;
        if (account is null || account.IsRobot || account.IsDisabled ||
            !string.Equals(principal?.FindFirstValue(StampClaim), Stamp(account), StringComparison.Ordinal))
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            return;
        }

        context.HttpContext.Items[typeof(WebSession)] = account;
    }

    /// <summary>The signed-in account of this request, or null for anonymous.</summary>
    public static Account? GetViewer(this HttpContext context) =>
        context.Items.TryGetValue(typeof(WebSession), out var account) ? account as Account : null;

    /// <summary>The client's address for the audit log and the sign-in throttle.</summary>
    public static string RemoteAddress(this HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? string.Empty;

    /// <summary>A short digest of the password hash: it changes with the password, and says nothing about it.</summary>
    private static string Stamp(Account account) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(account.SecretHash)))[..16];
}
