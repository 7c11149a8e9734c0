using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Speedy.Index.Store;
using Speedy.Index.Tokens;
using Speedy.Index.Web;
using Speedy.Index.Web.Registry;

namespace Speedy.Index.Pages;

/// <summary>
/// A repository: its rendered description (editable with push), stars, pulls, last push, the <c>docker pull</c>
/// command, and its tags from the registry (filtered, sorted, paginated; deletable with delete). Visibility can be
/// changed with delete. When the registry cannot be reached the page still shows what the index knows.
/// </summary>
internal sealed class RepositoryModel(
    IIndexStore store, AccessPolicy policy, IRegistryBrowser registry, MarkdownRenderer markdown, IOptions<IndexWebOptions> options) : PageModel
{
    public const int TagPageSize = 25;

    [FromRoute(Name = "name")]
    public string? Name { get; set; }

    [BindProperty(SupportsGet = true, Name = "filter")]
    public string? TagFilter { get; set; }

    [BindProperty(SupportsGet = true, Name = "order")]
    public string? TagOrder { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int TagPage { get; set; } = 1;

    /// <summary>A tag just deleted, for the notice.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Deleted { get; set; }

    public Repository Repository { get; private set; } = null!; // Set by every handler that renders the page.

    public RepositoryRights Rights { get; private set; } = RepositoryRights.None;

    public bool Starred { get; private set; }

    public string DescriptionHtml { get; private set; } = string.Empty;

    public IReadOnlyList<string> Tags { get; private set; } = [];

    public int TagCount { get; private set; }

    public int TagPageCount => Math.Max(1, (TagCount + TagPageSize - 1) / TagPageSize);

    public string? TagError { get; private set; }

    public string? EditError { get; private set; }

    public string RegistryHost => options.Value.DisplayRegistryHost;

    public string PullCommand(string tag) => $"docker pull {RegistryHost}/{Repository.Name}:{tag}";

    public string TagsLink(int page) =>
        $"/repo/{Repository.Name}?filter={Uri.EscapeDataString(TagFilter ?? string.Empty)}&order={TagOrder ?? "name"}&page={page}#tags";

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        if (!await LoadAsync(cancellationToken))
        {
            return ErrorPage.NotFound($"The repository {Name}");
        }

        await LoadTagsAsync(cancellationToken);
        return Page();
    }

    public Task<IActionResult> OnPostStarAsync(CancellationToken cancellationToken) => StarAsync(star: true, cancellationToken);

    public Task<IActionResult> OnPostUnstarAsync(CancellationToken cancellationToken) => StarAsync(star: false, cancellationToken);

    public async Task<IActionResult> OnPostDescriptionAsync(string? description, CancellationToken cancellationToken)
    {
        if (HttpContext.GetViewer() is not { } viewer)
        {
            return Challenge();
        }

        if (!await LoadAsync(cancellationToken))
        {
            return ErrorPage.NotFound($"The repository {Name}");
        }

        if (!Rights.Push)
        {
            return ErrorPage.Forbidden("Only the repository's maintainers and owners may edit its description.");
        }

        description = (description ?? string.Empty).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (description.Length > IndexLimits.MaxDescriptionLength)
        {
            EditError = $"The description is longer than {IndexLimits.MaxDescriptionLength} characters.";
            Repository = Repository with { Description = description };
            await LoadTagsAsync(cancellationToken);
            var page = Page();
            page.StatusCode = StatusCodes.Status400BadRequest;
            return page;
        }

        await store.SetRepositoryDescriptionAsync(Repository.Name, description, cancellationToken);
        await store.AppendAuditAsync(
            new AuditRecord(viewer.Name, WebAuditActions.RepositoryDescription, Repository.Name, $"{description.Length} characters", HttpContext.RemoteAddress()),
            cancellationToken);
        return Redirect($"/repo/{Repository.Name}");
    }

    public async Task<IActionResult> OnPostVisibilityAsync(bool isPublic, CancellationToken cancellationToken)
    {
        if (HttpContext.GetViewer() is not { } viewer)
        {
            return Challenge();
        }

        if (!await LoadAsync(cancellationToken))
        {
            return ErrorPage.NotFound($"The repository {Name}");
        }

        if (!Rights.Delete)
        {
            return ErrorPage.Forbidden("Only the namespace's owners may change a repository's visibility.");
        }

        await store.SetRepositoryVisibilityAsync(Repository.Name, isPublic, cancellationToken);
        await store.AppendAuditAsync(
            new AuditRecord(viewer.Name, AuditActions.RepositoryVisibility, Repository.Name, isPublic ? "public" : "private", HttpContext.RemoteAddress()),
            cancellationToken);
        return Redirect($"/repo/{Repository.Name}");
    }

    private async Task<IActionResult> StarAsync(bool star, CancellationToken cancellationToken)
    {
        if (HttpContext.GetViewer() is not { } viewer)
        {
            return Challenge();
        }

        if (!await LoadAsync(cancellationToken))
        {
            return ErrorPage.NotFound($"The repository {Name}");
        }

        if (star)
        {
            await store.StarAsync(viewer.Id, Repository.Name, cancellationToken);
        }
        else
        {
            await store.UnstarAsync(viewer.Id, Repository.Name, cancellationToken);
        }

        return Redirect($"/repo/{Repository.Name}");
    }

    private async Task<bool> LoadAsync(CancellationToken cancellationToken)
    {
        var viewer = HttpContext.GetViewer();
        if (await RepositoryAccess.LoadAsync(store, policy, viewer, Name, cancellationToken) is not { } access)
        {
            return false;
        }

        (Repository, Rights) = (access.Repository, access.Rights);
        Starred = viewer is not null && await store.IsStarredAsync(viewer.Id, Repository.Name, cancellationToken);
        DescriptionHtml = markdown.Render(Repository.Description);
        return true;
    }

    private async Task LoadTagsAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> all;
        try
        {
            all = await registry.ListTagsAsync(Repository.Name, cancellationToken);
        }
        catch (RegistryUnavailableException e)
        {
            TagError = e.Message;
            return;
        }

        var filter = TagFilter?.Trim();
        var tags = string.IsNullOrEmpty(filter) ? [.. all] : all.Where(tag => tag.Contains(filter, StringComparison.OrdinalIgnoreCase)).ToList();
        tags.Sort(StringComparer.Ordinal);
        if (TagOrder == "name-desc")
        {
            tags.Reverse();
        }

        TagCount = tags.Count;
        TagPage = Math.Clamp(TagPage, 1, TagPageCount);
        Tags = tags.Skip((TagPage - 1) * TagPageSize).Take(TagPageSize).ToList();
    }
}
