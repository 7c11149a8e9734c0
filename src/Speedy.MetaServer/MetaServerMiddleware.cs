using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Speedy.MetaServer;

/// <summary>
/// Turns the store's failures into answers with a JSON body <c>{"error": "..."}</c>: an invalid path, argument or body
/// → 400, a path conflict → 409, a body over its limit → 413, anything else → 500 (logged). A client that goes away
/// mid-request is logged at debug level only.
/// </summary>
internal sealed class MetaServerMiddleware(RequestDelegate next, ILogger<MetaServerMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (MetaRequestException ex)
        {
            await WriteAsync(context, ex.Status, ex.Message);
        }
        catch (BadHttpRequestException ex)
        {
            await WriteAsync(context, ex.StatusCode, "bad request: " + ex.Message);
        }
        catch (JsonException ex)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, "invalid JSON body: " + ex.Message);
        }
        catch (ArgumentException ex)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, ex.Message);
        }
        catch (MetaPathConflictException ex)
        {
            await WriteAsync(context, StatusCodes.Status409Conflict, ex.Message);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException && context.RequestAborted.IsCancellationRequested)
        {
            Log.ClientAborted(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.RequestFailed(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, ex);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, "the meta store failed: " + ex.Message);
        }
    }

    private static async Task WriteAsync(HttpContext context, int status, string message)
    {
        if (context.Response.HasStarted)
        {
            context.Abort();
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = status;
        await context.Response.WriteAsJsonAsync(new MetaError(message), MetaJsonContext.Default.MetaError, contentType: null, context.RequestAborted);
    }
}
