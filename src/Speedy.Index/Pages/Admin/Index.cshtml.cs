using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Speedy.Index.Web;

namespace Speedy.Index.Pages.Admin;

/// <summary><c>/admin</c> leads to the first admin page.</summary>
[AdminOnly]
internal sealed class IndexModel : PageModel
{
    public IActionResult OnGet() => Redirect("/admin/users");
}
