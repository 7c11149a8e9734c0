using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.IdentityModel.Tokens;
using Speedy.Index.Store;
using Speedy.Index.Tokens;
using Speedy.Index.Web;

namespace Speedy.Index.Pages.Admin;

/// <summary>
/// Users, for administrators: search and list; create one (with a generated one-time password, shown once); disable
/// or enable; reset a password (a new one-time password, shown once; the user's sessions and docker logins end);
/// grant or revoke the admin flag. An administrator cannot disable or demote itself.
/// </summary>
[AdminOnly]
internal sealed class UsersModel(IIndexStore store, PasswordHasher hasher, TimeProvider timeProvider) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public PagedList<Account> Users { get; private set; } = new([], 0);

    public int PageCount => (int)Math.Max(1, (Users.Total + PageSize - 1) / PageSize);

    public DateTimeOffset Now { get; private set; }

    public string? Error { get; private set; }

    /// <summary>A one-time password just set, and for whom: shown on this answer only.</summary>
    public (string User, string Password)? OneTimePassword { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken) => await LoadAsync(cancellationToken);

    public async Task<IActionResult> OnPostCreateAsync(string? name, bool isAdmin, CancellationToken cancellationToken)
    {
        name = name?.Trim();
        if (!IndexNames.IsValidNamespace(name))
        {
            return await RefuseAsync("A user's name is lower-case letters and digits, joined by '.', '_' or '-', at most 64 characters.", cancellationToken);
        }

        var password = NewPassword();
        try
        {
            await store.CreateUserAsync(name!, hasher.Hash(password), isAdmin, cancellationToken); // Validated above.
        }
        catch (IndexConflictException)
        {
            return await RefuseAsync($"The name \"{name}\" is taken by a user or an organization.", cancellationToken);
        }

        await AuditAsync(AuditActions.UserCreated, name!, isAdmin ? "administrator" : "user", cancellationToken);
        OneTimePassword = (name!, password);
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostResetPasswordAsync(long id, CancellationToken cancellationToken)
    {
        if (await FindUserAsync(id, cancellationToken) is not { } user)
        {
            return ErrorPage.NotFound("The user");
        }

        var password = NewPassword();
        await store.SetPasswordHashAsync(user.Id, hasher.Hash(password), cancellationToken);
        await store.RevokeRefreshTokensAsync(user.Id, cancellationToken);
        await AuditAsync(WebAuditActions.PasswordReset, user.Name, string.Empty, cancellationToken);
        OneTimePassword = (user.Name, password);
        await LoadAsync(cancellationToken);
        return Page();
    }

    public async Task<IActionResult> OnPostDisableAsync(long id, bool disable, CancellationToken cancellationToken)
    {
        if (await FindUserAsync(id, cancellationToken) is not { } user)
        {
            return ErrorPage.NotFound("The user");
        }

        if (disable && user.Id == HttpContext.GetViewer()!.Id) // [AdminOnly] lets only signed-in administrators through.
        {
            return await RefuseAsync("You cannot disable your own account.", cancellationToken);
        }

        await store.SetDisabledAsync(user.Id, disable, cancellationToken);
        if (disable)
        {
            await store.RevokeRefreshTokensAsync(user.Id, cancellationToken);
        }

        await AuditAsync(disable ? WebAuditActions.UserDisabled : WebAuditActions.UserEnabled, user.Name, string.Empty, cancellationToken);
        return Redirect(ListLink(PageNumber));
    }

    public async Task<IActionResult> OnPostAdminAsync(long id, bool admin, CancellationToken cancellationToken)
    {
        if (await FindUserAsync(id, cancellationToken) is not { } user)
        {
            return ErrorPage.NotFound("The user");
        }

        if (!admin && user.Id == HttpContext.GetViewer()!.Id) // [AdminOnly] lets only signed-in administrators through.
        {
            return await RefuseAsync("You cannot revoke your own administrator rights.", cancellationToken);
        }

        await store.SetAdminAsync(user.Id, admin, cancellationToken);
        await AuditAsync(admin ? WebAuditActions.AdminGranted : WebAuditActions.AdminRevoked, user.Name, string.Empty, cancellationToken);
        return Redirect(ListLink(PageNumber));
    }

    public string ListLink(int page) => $"/admin/users?q={Uri.EscapeDataString(Search ?? string.Empty)}&page={page}";

    /// <summary>A random one-time password: 18 bytes, base64url (24 characters).</summary>
    private static string NewPassword() => Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(18));

    private async Task<Account?> FindUserAsync(long id, CancellationToken cancellationToken) =>
        await store.GetAccountAsync(id, cancellationToken) is { IsRobot: false } user ? user : null;

    private Task AuditAsync(string action, string target, string detail, CancellationToken cancellationToken) =>
        store.AppendAuditAsync(new AuditRecord(HttpContext.GetViewer()!.Name, action, target, detail, HttpContext.RemoteAddress()), cancellationToken);

    private async Task<IActionResult> RefuseAsync(string error, CancellationToken cancellationToken)
    {
        Error = error;
        await LoadAsync(cancellationToken);
        var page = Page();
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        Now = timeProvider.GetUtcNow();
        PageNumber = Math.Max(1, PageNumber);
        Users = await store.ListAccountsAsync(
            new AccountQuery
            {
                Kind = AccountKind.User,
                Search = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim(),
                Offset = PagerModel.Offset(PageNumber, PageSize),
                Limit = PageSize,
            },
            cancellationToken);
    }
}
