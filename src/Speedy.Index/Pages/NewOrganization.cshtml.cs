using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Speedy.Index.Store;
using Speedy.Index.Web;

namespace Speedy.Index.Pages;

/// <summary>Creates an organization, the viewer its first owner.</summary>
[SignedIn]
internal sealed class NewOrganizationModel(IIndexStore store) : PageModel
{
    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public string? Description { get; set; }

    public string? Error { get; private set; }

    public async Task<IActionResult> OnPostAsync(CancellationToken cancellationToken)
    {
        var viewer = HttpContext.GetViewer()!; // [SignedIn] lets only signed-in users through.
        var name = Name?.Trim() ?? string.Empty;
        var description = Description ?? string.Empty;
        if (!IndexNames.IsValidNamespace(name))
        {
            return Refuse("An organization's name is lower-case letters and digits, joined by '.', '_' or '-', at most 64 characters.");
        }

        if (description.Length > IndexLimits.MaxDescriptionLength)
        {
            return Refuse($"The description is longer than {IndexLimits.MaxDescriptionLength} characters.");
        }

        try
        {
            await store.CreateOrganizationAsync(name, viewer.Id, description, cancellationToken);
        }
        catch (IndexConflictException)
        {
            return Refuse($"The name \"{name}\" is taken.");
        }

        await store.AppendAuditAsync(new AuditRecord(viewer.Name, WebAuditActions.OrganizationCreated, name, string.Empty, HttpContext.RemoteAddress()), cancellationToken);
        return Redirect($"/ns/{name}");
    }

    private PageResult Refuse(string error)
    {
        Error = error;
        var page = Page();
        page.StatusCode = StatusCodes.Status400BadRequest;
        return page;
    }
}
