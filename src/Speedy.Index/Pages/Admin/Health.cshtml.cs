using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.DependencyInjection;
using Speedy.Index.Web;
using Speedy.Index.Web.Health;

namespace Speedy.Index.Pages.Admin;

/// <summary>The storage's health from the host's <see cref="IStoreHealth"/>, for administrators; "not available" without one.</summary>
[AdminOnly]
internal sealed class HealthModel(IServiceProvider services) : PageModel
{
    public bool Available { get; private set; }

    public StoreHealthReport? Report { get; private set; }

    public string? Problem { get; private set; }

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        if (services.GetService<IStoreHealth>() is not { } health)
        {
            return;
        }

        Available = true;
        try
        {
            Report = await health.GetAsync(cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutException or InvalidOperationException or IOException)
        {
            Problem = e.Message;
        }
    }
}
