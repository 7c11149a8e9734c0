using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Speedy.Index.Store;
using Speedy.Index.Web;

namespace Speedy.Index.Pages;

/// <summary>Explore: the repositories the viewer may see (public ones for everyone), searched, sorted and paginated.</summary>
internal sealed class IndexModel(IIndexStore store) : PageModel
{
    public const int PageSize = 20;

    [BindProperty(SupportsGet = true, Name = "q")]
    public string? Search { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Sort { get; set; }

    [BindProperty(SupportsGet = true, Name = "page")]
    public int PageNumber { get; set; } = 1;

    public PagedList<Repository> Results { get; private set; } = new([], 0);

    public int PageCount => (int)Math.Max(1, (Results.Total + PageSize - 1) / PageSize);

    /// <summary>The first paragraph of a description, as plain text, for the cards.</summary>
    public static string Summary(string description)
    {
        foreach (var line in description.Split('\n'))
        {
            var text = line.Trim().TrimStart('#', ' ', '>', '*', '-');
            if (text.Length > 0)
            {
                return text.Length > 200 ? text[..200] + "…" : text;
            }
        }

        return string.Empty;
    }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        var viewer = HttpContext.GetViewer();
        PageNumber = Math.Max(1, PageNumber);
        Search = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim();
        Results = await store.SearchRepositoriesAsync(
            new RepositoryQuery
            {
                Search = Search,
                ViewerId = viewer?.Id,
                ViewerIsAdmin = viewer?.IsAdmin ?? false,
                Sort = ParseSort(Sort),
                Offset = PagerModel.Offset(PageNumber, PageSize),
                Limit = PageSize,
            },
            cancellationToken);
    }

    public static RepositorySort ParseSort(string? sort) => sort switch
    {
        "stars" => RepositorySort.Stars,
        "pulls" => RepositorySort.Pulls,
        "pushed" => RepositorySort.LastPush,
        _ => RepositorySort.Name,
    };
}
