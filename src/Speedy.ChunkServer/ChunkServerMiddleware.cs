using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Speedy.Volume;

namespace Speedy.ChunkServer;

/// <summary>
/// Turns the engine's failures into clear answers: full → 507, sealed → 409, corrupt → 500 (logged), bad request →
/// 4xx. A client that goes away mid-request is logged at debug level only: nothing it sent was acknowledged.
/// </summary>
internal sealed class ChunkServerMiddleware(RequestDelegate next, ILogger<ChunkServerMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (ChunkRequestException ex)
        {
            await WriteAsync(context, ex.Status, ex.Message);
        }
        catch (BadHttpRequestException ex)
        {
            await WriteAsync(context, ex.StatusCode, "bad request: " + ex.Message);
        }
        catch (EndOfStreamException)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, "the body ended before its Content-Length; nothing was stored");
        }
        catch (VolumeFullException ex)
        {
            await WriteAsync(context, StatusCodes.Status507InsufficientStorage, ex.Message);
        }
        catch (VolumeSealedException ex)
        {
            await WriteAsync(context, StatusCodes.Status409Conflict, ex.Message);
        }
        catch (ArgumentException ex)
        {
            await WriteAsync(context, StatusCodes.Status400BadRequest, ex.Message);
        }
        catch (Exception ex) when (ex is OperationCanceledException or (IOException and not VolumeCorruptionException) && context.RequestAborted.IsCancellationRequested)
        {
            Log.ClientAborted(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty);
        }
        catch (Exception ex) when (ex is VolumeCorruptionException or IOException)
        {
            Log.RequestFailed(logger, context.Request.Method, context.Request.Path.Value ?? string.Empty, ex);
            await WriteAsync(context, StatusCodes.Status500InternalServerError, ex.Message);
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
        await ChunkResults.WriteErrorAsync(context.Response, status, message);
    }
}
