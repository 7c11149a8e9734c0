using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Speedy.Registry.Core;
using Speedy.Storage;

namespace Speedy.Registry.Http;

/// <summary>
/// Sets the API version header on every response and turns every failure into the spec's error JSON: a
/// <see cref="RegistryException"/> with its status, a malformed request (Kestrel's
/// <see cref="BadHttpRequestException"/>) as 400, a client that went away as a clean abort, and anything
/// unexpected as a logged 500 that still carries the error JSON.
/// </summary>
internal sealed class RegistryMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger<RegistryMiddleware> _logger;

    public RegistryMiddleware(RequestDelegate next, ILogger<RegistryMiddleware> logger)
    {
        _next = next;
        _logger = logger;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        try
        {
            await _next(context);
        }
        catch (RegistryException ex) when (ex.InnerException is (IOException and not BadHttpRequestException) or OperationCanceledException)
        {
            // The request body broke off with the connection (reset or aborted; a malformed or short body is a
            // BadHttpRequestException and still gets its 400): nobody reads an answer, and aborting spares Kestrel
            // from draining a body whose read failed, which it would log as an error.
            Log.ClientAborted(_logger, context.Request.Method, context.Request.Path.Value ?? string.Empty);
            context.Abort();
        }
        catch (RegistryException ex)
        {
            await WriteErrorAsync(context, ex);
        }
        catch (BadHttpRequestException ex)
        {
            var code = ex.StatusCode == StatusCodes.Status413PayloadTooLarge ? OciErrorCode.SizeInvalid : OciErrorCode.BlobUploadInvalid;
            await WriteErrorAsync(context, new RegistryException(code, "bad request: " + ex.Message, null, ex.StatusCode));
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            Log.ClientAborted(_logger, context.Request.Method, context.Request.Path.Value ?? string.Empty);
            context.Abort();
        }
        catch (StoragePathNotFoundException ex)
        {
            Log.UnexpectedMissingPath(_logger, ex.Path ?? string.Empty, ex);
            await WriteErrorAsync(context, new RegistryException(OciErrorCode.Unknown, "content vanished from storage while the request was served", null, 503));
        }
        catch (StorageUnavailableException ex)
        {
            Log.StorageUnavailable(_logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, ex);
            await WriteErrorAsync(context, new RegistryException(OciErrorCode.Unknown, "storage is unavailable, try again: " + ex.Message, null, StatusCodes.Status503ServiceUnavailable), resetHeaders: true);
        }
        catch (Exception ex)
        {
            Log.RequestFailed(_logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, ex);
            await WriteErrorAsync(context, new RegistryException(OciErrorCode.Unknown, "internal error: " + ex.Message), resetHeaders: true);
        }
    }

    /// <summary>
    /// Writes the error body. Headers an endpoint set for the error (Range and Location on a 416, say) are kept
    /// unless <paramref name="resetHeaders"/>; the error writer sets the body's own length and type.
    /// </summary>
    private async Task WriteErrorAsync(HttpContext context, RegistryException error, bool resetHeaders = false)
    {
        if (context.Response.HasStarted)
        {
            Log.ErrorAfterResponseStarted(_logger, error.Message);
            context.Abort();
            return;
        }

        if (context.RequestAborted.IsCancellationRequested)
        {
            // The client is gone (a body cut short, say): nobody reads the error, and aborting spares Kestrel
            // from draining a request body whose read failed.
            Log.ClientAborted(_logger, context.Request.Method, context.Request.Path.Value ?? string.Empty);
            context.Abort();
            return;
        }

        if (resetHeaders)
        {
            context.Response.Clear();
            context.Response.Headers["Docker-Distribution-API-Version"] = "registry/2.0";
        }
        await OciErrorWriter.WriteAsync(context, error);
    }
}
