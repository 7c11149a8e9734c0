using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace Speedy.Index.Web;

/// <summary>Pages only for administrators: anonymous visitors are sent to sign in, other users get 403.</summary>
[AttributeUsage(AttributeTargets.Class)]
internal sealed class AdminOnlyAttribute : Attribute, IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var viewer = context.HttpContext.GetViewer();
        if (viewer is null)
        {
            context.Result = new ChallengeResult();
            return;
        }

        if (!viewer.IsAdmin)
        {
            context.Result = ErrorPage.Forbidden("This page is for administrators.");
            return;
        }

        await next();
    }
}
