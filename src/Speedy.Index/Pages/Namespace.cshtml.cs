using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Speedy.Index.Store;
using Speedy.Index.Web;

namespace Speedy.Index.Pages;

/// <summary>
/// A namespace (a user's own or an organization): its repositories the viewer may see, and, for its members and
/// administrators, its members and their roles; owners (and administrators) add, change and remove members.
/// </summary>
internal sealed class NamespaceModel(IIndexStore store, MarkdownRenderer markdown) : PageModel
{
    public const int PageSize = 20;

    [FromRoute(Name = "name")]
    public string? Name { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public NamespaceInfo Namespace { get; private set; } = null!; // Set before the page renders.

    public string DescriptionHtml { get; private set; } = string.Empty;

    /// <summary>The viewer's role; administrators count as owners.</summary>
    public NamespaceRole? Role { get; private set; }

    public IReadOnlyList<NamespaceMember> Members { get; private set; } = [];

    public PagedList<Repository> Repositories { get; private set; } = new([], 0);

    public int PageCount => (int)Math.Max(1, (Repositories.Total + PageSize - 1) / PageSize);

    public string? Error { get; private set; }

    public bool IsOwner => Role == NamespaceRole.Owner;

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await LoadAsync(cancellationToken) ? Page() : ErrorPage.NotFound($"The namespace {Name}");

    public async Task<IActionResult> OnPostSetMemberAsync(string? account, NamespaceRole role, CancellationToken cancellationToken)
    {
        if (await AuthorizeOwnerAsync(cancellationToken) is { } refused)
        {
            return refused;
        }

        var member = account is { Length: > 0 } ? await store.GetAccountAsync(account.Trim(), cancellationToken) : null;
        if (member is null || member.IsRobot)
        {
            return await ShowErrorAsync($"There is no user named \"{account}\".", cancellationToken);
        }

        if (!Enum.IsDefined(role))
        {
            return await ShowErrorAsync("Choose a role: reader, maintainer or owner.", cancellationToken);
        }

        try
        {
            await store.SetMemberAsync(Namespace.Name, member.Id, role, cancellationToken);
        }
        catch (IndexConflictException e)
        {
            return await ShowErrorAsync(e.Message, cancellationToken);
        }

        await AuditAsync(AuditActions.MemberSet, $"{member.Name} {role.ToString().ToLowerInvariant()}", cancellationToken);
        return Redirect($"/ns/{Namespace.Name}");
    }

    public async Task<IActionResult> OnPostRemoveMemberAsync(long accountId, CancellationToken cancellationToken)
    {
        if (await AuthorizeOwnerAsync(cancellationToken) is { } refused)
        {
            return refused;
        }

        var member = Members.FirstOrDefault(candidate => candidate.AccountId == accountId);
        try
        {
            if (member is null || !await store.RemoveMemberAsync(Namespace.Name, accountId, cancellationToken))
            {
                return await ShowErrorAsync("That account is not a member.", cancellationToken);
            }
        }
        catch (IndexConflictException e)
        {
            return await ShowErrorAsync(e.Message, cancellationToken);
        }

        await AuditAsync(AuditActions.MemberRemoved, member.AccountName, cancellationToken);
        return Redirect($"/ns/{Namespace.Name}");
    }

    private async Task<IActionResult?> AuthorizeOwnerAsync(CancellationToken cancellationToken)
    {
        if (HttpContext.GetViewer() is null)
        {
            return Challenge();
        }

        if (!await LoadAsync(cancellationToken))
        {
            return ErrorPage.NotFound($"The namespace {Name}");
        }

        return IsOwner ? null : ErrorPage.Forbidden($"Only the owners of {Namespace.Name} may change its members.");
    }

    private async Task<IActionResult> ShowErrorAsync(string error, CancellationToken cancellationToken)
    {
        Error = error;
        await LoadAsync(cancellationToken);
        var page = Page();
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }

    private Task AuditAsync(string action, string detail, CancellationToken cancellationToken) =>
        store.AppendAuditAsync(
            new AuditRecord(HttpContext.GetViewer()!.Name, action, Namespace.Name, detail, HttpContext.RemoteAddress()), cancellationToken); // Owners only.

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        if (!IndexNames.IsValidNamespace(Name) || await store.GetNamespaceAsync(Name!, cancellationToken) is not { } info) // Valid means not null.
        {
            return false;
        }

        Namespace = info;
        DescriptionHtml = markdown.Render(info.Description);
        var viewer = HttpContext.GetViewer();
        Role = viewer is null ? null
            : viewer.IsAdmin ? NamespaceRole.Owner
            : await store.GetRoleAsync(info.Name, viewer.Id, cancellationToken);
        Members = Role is null ? [] : await store.ListMembersAsync(info.Name, cancellationToken);
        PageNumber = Math.Max(1, PageNumber);
        Repositories = await store.SearchRepositoriesAsync(
            new RepositoryQuery
            {
                Namespace = info.Name,
                ViewerId = viewer?.Id,
                ViewerIsAdmin = viewer?.IsAdmin ?? false,
                Offset = PagerModel.Offset(PageNumber, PageSize),
                Limit = PageSize,
            },
            cancellationToken);
        return true;
    }
}
