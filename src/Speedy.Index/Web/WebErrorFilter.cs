using System.Data.Common;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Core.Infrastructure;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speedy.Index.Store;
using Speedy.Index.Web.Registry;

namespace Speedy.Index.Web;

/// <summary>
/// Turns what goes wrong in a page into the error page: the registry unreachable (502), a clash in the store (409),
/// the store unreachable (503), a form without a valid antiforgery token (400); anything else is logged and shown as
/// an error page too, never as a bare status.
/// </summary>
internal sealed class WebErrorFilter : IAsyncPageFilter, IAlwaysRunResultFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is not { } exception || executed.ExceptionHandled)
        {
            return;
        }

        var result = exception switch
        {
            OperationCanceledException when context.HttpContext.RequestAborted.IsCancellationRequested => new EmptyResult(),
            RegistryUnavailableException => ErrorPage.Create(StatusCodes.Status502BadGateway, "The registry is unavailable", exception.Message),
            IndexConflictException => ErrorPage.Create(StatusCodes.Status409Conflict, "Conflict", exception.Message),
            DbException or TimeoutException => ErrorPage.Create(
                StatusCodes.Status503ServiceUnavailable, "The index is unavailable", "The index cannot reach its database; try again in a moment."),
            _ => null,
        };
        if (result is null)
        {
            var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger<WebErrorFilter>();
            Log.PageFailed(logger, context.HttpContext.Request.Method, context.HttpContext.Request.Path, exception);
            result = ErrorPage.Create(StatusCodes.Status500InternalServerError, "Something went wrong", "The page failed; the error is in the index's log.");
        }

        executed.Result = result;
        executed.ExceptionHandled = true;
    }

    public void OnResultExecuting(ResultExecutingContext context)
    {
        if (context.Result is IAntiforgeryValidationFailedResult)
        {
            context.Result = ErrorPage.BadRequest(
                "The form was not sent from this site, or it expired. Go back, reload the page and try again.");
        }
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
