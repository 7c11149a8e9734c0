using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Speedy.Index.Store;
using Speedy.Index.Tokens;
using Speedy.Index.Web;

namespace Speedy.Index.Pages.Settings;

/// <summary>
/// Changes the viewer's password: the current one is checked like a sign-in (failures count toward the lockout); the
/// change ends the viewer's other sessions and revokes its refresh tokens (docker's stored logins).
/// </summary>
[SignedIn]
internal sealed class PasswordModel(IIndexStore store, CredentialVerifier verifier, PasswordHasher hasher) : PageModel
{
    public const int MinLength = 10;

    [BindProperty]
    public string? Current { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    [BindProperty]
    public string? Confirm { get; set; }

    public string? Error { get; private set; }

    public bool Changed { get; private set; }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var viewer = HttpContext.GetViewer()!; // [SignedIn] lets only signed-in users through.
        var current = Current ?? string.Empty;
        var password = NewPassword ?? string.Empty;
        (Current, NewPassword, Confirm, var confirm) = (null, null, null, Confirm);
        if (password.Length < MinLength || password != confirm)
        {
            return Refuse(StatusCodes.Status400BadRequest, $"The new password must have at least {MinLength} characters, typed the same twice.");
        }

        if (current.StartsWith(IndexSecrets.AccessTokenPrefix, StringComparison.Ordinal))
        {
            return Refuse(StatusCodes.Status400BadRequest, "Give your current password, not an access token.");
        }

        var result = await verifier.VerifyAsync(viewer.Name, current, HttpContext.RemoteAddress(), cancellationToken);
        if (result.Status != LoginStatus.Succeeded)
        {
            return Refuse(
                result.Status == LoginStatus.Throttled ? StatusCodes.Status429TooManyRequests : StatusCodes.Status400BadRequest,
                result.Status == LoginStatus.Throttled ? "Too many failed attempts; try again later." : "The current password is wrong.");
        }

        await store.SetPasswordHashAsync(viewer.Id, hasher.Hash(password), cancellationToken);
        await store.RevokeRefreshTokensAsync(viewer.Id, cancellationToken);
        await store.AppendAuditAsync(new AuditRecord(viewer.Name, WebAuditActions.PasswordChanged, viewer.Name, string.Empty, HttpContext.RemoteAddress()), cancellationToken);
        if (await store.GetAccountAsync(viewer.Id, cancellationToken) is { } changed)
        {
            await HttpContext.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, WebSession.CreatePrincipal(changed));
        }

        Changed = true;
        return Page();
    }

    private PageResult Refuse(int status, string error)
    {
        Error = error;
        var page = Page();
        page.StatusCode = status;
        return page;
    }
}
