using Microsoft.AspNetCore.Mvc.Filters;

namespace Speedy.Index.Web;

/// <summary>
/// Headers on every page: a Content-Security-Policy that allows only the UI's own script and style (images may come
/// from https, for README badges), no framing (clickjacking), and no referrer leaving the site.
/// </summary>
internal sealed class SecurityHeadersFilter : IResultFilter
{
    private const string Policy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' https: data:; form-action 'self'; " +
        "frame-ancestors 'none'; base-uri 'none'";

    public void OnResultExecuting(ResultExecutingContext context)
    {
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = Policy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers.CacheControl = "no-store";
    }

    public void OnResultExecuted(ResultExecutedContext context)
    {
    }
}
