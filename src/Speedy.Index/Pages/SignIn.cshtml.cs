using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Speedy.Index.Store;
using Speedy.Index.Tokens;
using Speedy.Index.Web;

namespace Speedy.Index.Pages;

/// <summary>
/// Signs a user in with name and password through the index's <see cref="CredentialVerifier"/>: the same bcrypt check,
/// account lockout, per-address throttle and audit entries as <c>docker login</c>. Access tokens and robot secrets are
/// refused here (they are for the registry), and the refusal counts as a failure.
/// </summary>
internal sealed class SignInModel(CredentialVerifier verifier) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public IActionResult OnGet() => HttpContext.GetViewer() is null ? Page() : LocalRedirect(Destination());

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var name = Name?.Trim() ?? string.Empty;
        var password = Password ?? string.Empty;
        Password = null;
        if (name.Length == 0 || password.Length == 0)
        {
            return Refuse(StatusCodes.Status400BadRequest, "Enter your name and your password.");
        }

        var address = HttpContext.RemoteAddress();
        LoginResult result;
        if (password.StartsWith(IndexSecrets.AccessTokenPrefix, StringComparison.Ordinal) ||
            password.StartsWith(IndexSecrets.RobotPrefix, StringComparison.Ordinal) ||
            IndexNames.TrySplitRobot(name, out _, out _))
        {
            result = await verifier.FailAsync(name, "web sign-in with an access token or a robot account", address, cancellationToken);
            if (result.Status == LoginStatus.Failed)
            {
                return Refuse(StatusCodes.Status401Unauthorized, "Sign in with your password: access tokens and robot accounts are for docker login.");
            }
        }
        else
        {
            result = await verifier.VerifyAsync(name, password, address, cancellationToken);
        }

        switch (result.Status)
        {
            case LoginStatus.Succeeded when result.Principal is { AccessToken: null, Account.IsRobot: false } principal:
                await HttpContext.SignInAsync(
                    CookieAuthenticationDefaults.AuthenticationScheme, WebSession.CreatePrincipal(principal.Account), new AuthenticationProperties());
                return LocalRedirect(Destination());
            case LoginStatus.Throttled:
                var wait = result.RetryAfter ?? TimeSpan.FromMinutes(1);
                Response.Headers.RetryAfter = ((int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
                return Refuse(
                    StatusCodes.Status429TooManyRequests,
                    $"Too many failed sign-ins. Try again in {Math.Max(1, (int)Math.Ceiling(wait.TotalMinutes))} minute(s).");
            default:
                return Refuse(StatusCodes.Status401Unauthorized, "Wrong name or password, or the account is disabled.");
        }
    }

    private PageResult Refuse(int status, string error)
    {
        Error = error;
        var page = Page();
        page.StatusCode = status;
        return page;
    }

    /// <summary>The page to return to: a local path only, so the form cannot be used to send people elsewhere.</summary>
    private string Destination() => ReturnUrl is { Length: > 0 } url && Url.IsLocalUrl(url) ? url : "/";
}
