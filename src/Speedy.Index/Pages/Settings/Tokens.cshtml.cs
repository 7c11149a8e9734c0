using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Speedy.Auth;
using Speedy.Index.Store;
using Speedy.Index.Tokens;
using Speedy.Index.Web;

namespace Speedy.Index.Pages.Settings;

/// <summary>
/// The viewer's personal access tokens: create one (name, scopes, expiry; the secret is shown once, on the answer to
/// the POST, and never stored), list them, revoke one.
/// </summary>
[SignedIn]
internal sealed class TokensModel(IIndexStore store, TimeProvider timeProvider, IOptions<IndexWebOptions> options) : PageModel
{
    /// <summary>The expiries offered, in days; 0 is never.</summary>
    public static readonly int[] Expiries = [7, 30, 90, 365, 0];

    private static readonly string[] s_scopes = [ResourceActions.Pull, ResourceActions.Push, ResourceActions.Delete];

    [BindProperty]
    public string? TokenName { get; set; }

    [BindProperty]
    public List<string> Scopes { get; set; } = [];

    [BindProperty]
    public int ExpiresInDays { get; set; } = 90;

    public IReadOnlyList<AccessToken> Tokens { get; private set; } = [];

    public string? Error { get; private set; }

    /// <summary>The secret of the token just created: shown on this answer only.</summary>
    public string? CreatedSecret { get; private set; }

    public DateTimeOffset Now { get; private set; }

    public string LoginCommand(string user) => $"docker login {options.Value.DisplayRegistryHost} --username {user} --password-stdin";

    public static IReadOnlyList<string> AllScopes => s_scopes;

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken cancellationToken)
    {
        var viewer = HttpContext.GetViewer()!; // [SignedIn] lets only signed-in users through.
        var name = TokenName?.Trim();
        var scopes = s_scopes.Where(Scopes.Contains).ToList();
        Error = !IndexNames.IsValidTokenName(name) ? $"Name the token (1 to {IndexLimits.MaxNameLength} printable characters)."
            : scopes.Count == 0 || scopes.Count != Scopes.Distinct(StringComparer.Ordinal).Count() ? "Choose the token's scopes: pull, push, delete."
            : !Expiries.Contains(ExpiresInDays) ? "Choose one of the expiries offered."
            : null;
        if (Error is not null)
        {
            await LoadAsync(cancellationToken);
            var refused = Page();
            refused.StatusCode = StatusCodes.Status400BadRequest;
            return refused;
        }

        var secret = IndexSecrets.Create(IndexSecrets.AccessTokenPrefix);
        var expires = ExpiresInDays == 0 ? (DateTimeOffset?)null : timeProvider.GetUtcNow().AddDays(ExpiresInDays);
        await store.CreateAccessTokenAsync(viewer.Id, name!, IndexSecrets.Hash(secret), scopes, expires, cancellationToken); // Validated above.
        await store.AppendAuditAsync(
            new AuditRecord(viewer.Name, AuditActions.TokenCreated, name!, string.Join(',', scopes), HttpContext.RemoteAddress()), cancellationToken);
        CreatedSecret = secret;
        TokenName = null;
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(long id, CancellationToken cancellationToken)
    {
        var viewer = HttpContext.GetViewer()!; // [SignedIn] lets only signed-in users through.
        var token = (await store.ListAccessTokensAsync(viewer.Id, cancellationToken)).FirstOrDefault(candidate => candidate.Id == id);
        if (token is null || !await store.RevokeAccessTokenAsync(viewer.Id, id, cancellationToken))
        {
            return ErrorPage.NotFound("The token");
        }

        await store.AppendAuditAsync(new AuditRecord(viewer.Name, AuditActions.TokenRevoked, token.Name, string.Empty, HttpContext.RemoteAddress()), cancellationToken);
        return Redirect("/settings/tokens");
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Now = timeProvider.GetUtcNow();
        Tokens = await store.ListAccessTokensAsync(HttpContext.GetViewer()!.Id, cancellationToken); // [SignedIn].
    }
}
