using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Speedy.Index.Store;
using Speedy.Index.Tokens;
using Speedy.Index.Web;
using Speedy.Index.Web.Registry;

namespace Speedy.Index.Pages;

/// <summary>Deletes a tag, after a confirmation: GET asks, POST (with the antiforgery token) deletes and audits.</summary>
[SignedIn]
internal sealed class DeleteTagModel(IIndexStore store, AccessPolicy policy, IRegistryBrowser registry) : PageModel
{
    [FromRoute(Name = "reference")]
    public string? Text { get; set; }

    public ImageReference Reference { get; private set; } = null!; // Set before the page renders.

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken) =>
        await AuthorizeAsync(cancellationToken) ?? Page();

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        if (await AuthorizeAsync(cancellationToken) is { } refused)
        {
            return refused;
        }

        var viewer = HttpContext.GetViewer()!; // [SignedIn] let only signed-in users through.
        if (!await registry.DeleteTagAsync(Reference.Repository, Reference.Tag!, viewer.Name, cancellationToken))
        {
            return ErrorPage.NotFound($"The tag {Reference}");
        }

        await store.AppendAuditAsync(
            new AuditRecord(viewer.Name, AuditActions.Delete, Reference.ToString(), "tag deleted in the web UI", HttpContext.RemoteAddress()),
            cancellationToken);
        return Redirect($"/repo/{Reference.Repository}?deleted={Uri.EscapeDataString(Reference.Tag!)}");
    }

    private async Task<IActionResult?> AuthorizeAsync(CancellationToken cancellationToken)
    {
        if (!ImageReference.TryParse(Text, out var reference) || reference.Tag is null)
        {
            return ErrorPage.NotFound($"The tag {Text}");
        }

        Reference = reference;
        var access = await RepositoryAccess.LoadAsync(store, policy, HttpContext.GetViewer(), reference.Repository, cancellationToken);
        return access is null ? ErrorPage.NotFound($"The repository {reference.Repository}")
            : !access.Rights.Delete ? ErrorPage.Forbidden($"Only the owners of {access.Repository.Namespace} may delete tags of {reference.Repository}.")
            : null;
    }
}
