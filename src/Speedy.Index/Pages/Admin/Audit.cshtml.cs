using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Speedy.Index.Store;
using Speedy.Index.Web;

namespace Speedy.Index.Pages.Admin;

/// <summary>The audit log, for administrators: newest first, filtered by actor, action or target, paged by id.</summary>
[AdminOnly]
internal sealed class AuditModel(IIndexStore store) : PageModel
{
    public const int PageSize = 50;

    [BindProperty(SupportsGet = true)]
    public string? Actor { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Action { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Target { get; set; }

    [BindProperty(SupportsGet = true)]
    public long? Before { get; set; }

    public IReadOnlyList<AuditEntry> Entries { get; private set; } = [];

    /// <summary>The link to the next (older) page, or null on the last one.</summary>
    public string? OlderLink { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var entries = await store.ListAuditAsync(
            new AuditQuery
            {
                Actor = Blank(Actor),
                Action = Blank(Action),
                Target = Blank(Target),
                BeforeId = Before,
                Limit = PageSize + 1,
            },
            cancellationToken);
        Entries = entries.Count > PageSize ? entries.Take(PageSize).ToList() : entries;
        OlderLink = entries.Count > PageSize
            ? $"/admin/audit?actor={Escape(Actor)}&action={Escape(Action)}&target={Escape(Target)}&before={Entries[^1].Id}"
            : null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static string Escape(string? value) => Uri.EscapeDataString(value ?? string.Empty);
}
