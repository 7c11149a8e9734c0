using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Speedy.Index.Web;

/// <summary>Pages only for signed-in users: anonymous visitors are sent to sign in, and come back afterwards.</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class SignedInAttribute : Attribute, IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        if (context.HttpContext.GetViewer() is null)
        {
            context.Result = new ChallengeResult();
            return;
        }

        await next();
    }
}
