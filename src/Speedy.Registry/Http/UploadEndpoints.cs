using Microsoft.AspNetCore.Http;
using Speedy.Auth;
using Speedy.Registry.Auth;
using Speedy.Registry.Core;

namespace Speedy.Registry.Http;

/// <summary>
/// Blob uploads: <c>POST /v2/&lt;name&gt;/blobs/uploads/</c> (session, monolithic with <c>?digest=</c>, or
/// cross-repository mount with <c>?mount=&amp;from=</c>) and <c>PATCH</c>/<c>PUT</c>/<c>GET</c>/<c>DELETE</c>
/// on the session location.
/// </summary>
internal static class UploadEndpoints
{
    public static async Task StartAsync(HttpContext context, RegistryContext registry, RegistryRoute route)
    {
        var request = context.Request;
        var cancellationToken = context.RequestAborted;
        var mount = request.Query["mount"].ToString();
        if (mount.Length > 0 && await TryMountAsync(context, registry, route.Name, mount, request.Query["from"].ToString()))
        {
            return;
        }

        var digestText = request.Query["digest"].ToString();
        if (digestText.Length > 0)
        {
            var digest = RequestExtensions.ParseDigestOrThrow(digestText);
            await registry.Uploads.UploadMonolithicAsync(route.Name, request.Body, digest, cancellationToken);
            Created(context.Response, route.Name, digest);
            return;
        }

        var id = await registry.Uploads.StartAsync(route.Name, cancellationToken);
        await AcceptedAsync(context, registry, route.Name, id, 0);
    }

    public static async Task PatchAsync(HttpContext context, RegistryContext registry, RegistryRoute route)
    {
        var id = await VerifyAsync(context, registry, route);
        var range = ContentRange.Parse(context.Request.Headers.ContentRange);
        CheckChunkLength(context.Request, range);
        long size;
        try
        {
            size = await registry.Uploads.AppendAsync(route.Name, id, context.Request.Body, range?.Start, context.RequestAborted);
        }
        catch (RegistryException ex) when (ex.Code == OciErrorCode.RangeInvalid)
        {
            await SetSessionHeadersAsync(context, registry, route.Name, id, await registry.Uploads.GetSizeAsync(route.Name, id, context.RequestAborted));
            throw;
        }

        await AcceptedAsync(context, registry, route.Name, id, size);
    }

    public static async Task PutAsync(HttpContext context, RegistryContext registry, RegistryRoute route)
    {
        var id = await VerifyAsync(context, registry, route);
        var request = context.Request;
        var digestText = request.Query["digest"].ToString();
        if (digestText.Length == 0)
        {
            throw new RegistryException(OciErrorCode.DigestInvalid, "the digest query parameter is required to complete an upload");
        }

        var digest = RequestExtensions.ParseDigestOrThrow(digestText);
        var range = ContentRange.Parse(request.Headers.ContentRange);
        CheckChunkLength(request, range);
        try
        {
            await registry.Uploads.CompleteAsync(route.Name, id, request.Body, range?.Start, digest, context.RequestAborted);
        }
        catch (RegistryException ex) when (ex.Code == OciErrorCode.RangeInvalid)
        {
            await SetSessionHeadersAsync(context, registry, route.Name, id, await registry.Uploads.GetSizeAsync(route.Name, id, context.RequestAborted));
            throw;
        }

        Created(context.Response, route.Name, digest);
    }

    public static async Task StatusAsync(HttpContext context, RegistryContext registry, RegistryRoute route)
    {
        var id = await VerifyAsync(context, registry, route);
        var size = await registry.Uploads.GetSizeAsync(route.Name, id, context.RequestAborted);
        await SetSessionHeadersAsync(context, registry, route.Name, id, size);
        RequestExtensions.SetNoBody(context.Response, StatusCodes.Status204NoContent);
    }

    public static async Task CancelAsync(HttpContext context, RegistryContext registry, RegistryRoute route)
    {
        var id = await VerifyAsync(context, registry, route);
        if (!await registry.Uploads.DeleteAsync(route.Name, id, context.RequestAborted))
        {
            throw UnknownUpload(route.Name, id);
        }

        RequestExtensions.SetNoBody(context.Response, StatusCodes.Status204NoContent);
    }

    private static async Task<bool> TryMountAsync(HttpContext context, RegistryContext registry, string name, string mount, string from)
    {
        var digest = RequestExtensions.ParseDigestOrThrow(mount);
        if (from.Length == 0)
        {
            return false;
        }

        if (!RepositoryName.IsValid(from))
        {
            throw new RegistryException(OciErrorCode.NameInvalid, $"invalid source repository name \"{RequestExtensions.Shorten(from)}\"");
        }

        // A token without pull on the source gets a plain upload session, as if the blob were not there: mounting
        // would hand it a blob it may not read, and refusing would tell it the blob exists.
        if (!RegistryPrincipal.MayAccessRepository(context, registry.Authorization, from, ResourceActions.Pull))
        {
            return false;
        }

        var cancellationToken = context.RequestAborted;
        if (!await registry.Store.IsBlobLinkedAsync(from, digest, cancellationToken)
            || await registry.Store.StatBlobAsync(digest, cancellationToken) is null)
        {
            return false;
        }

        await registry.Store.LinkBlobAsync(name, digest, cancellationToken);
        Created(context.Response, name, digest);
        return true;
    }

    private static void CheckChunkLength(HttpRequest request, ContentRange? range)
    {
        if (range is { } r && request.ContentLength is { } length && length != r.Length)
        {
            throw new RegistryException(
                OciErrorCode.SizeInvalid,
                $"Content-Range covers {r.Length} bytes but Content-Length is {length}",
                null,
                StatusCodes.Status416RangeNotSatisfiable);
        }
    }

    private static async Task<string> VerifyAsync(HttpContext context, RegistryContext registry, RegistryRoute route)
    {
        var id = route.Argument;
        if (!Guid.TryParseExact(id, "N", out _))
        {
            throw UnknownUpload(route.Name, id);
        }

        if (!await registry.Signer.VerifyAsync(route.Name, id, context.Request.Query["_state"].ToString(), context.RequestAborted))
        {
            throw new RegistryException(OciErrorCode.BlobUploadInvalid, "the upload location is not valid for this repository; use the Location the registry returned");
        }

        return id;
    }

    private static RegistryException UnknownUpload(string name, string id) =>
        new(OciErrorCode.BlobUploadUnknown, $"upload {RequestExtensions.Shorten(id)} is not known to repository {name}");

    private static void Created(HttpResponse response, string name, Digest digest)
    {
        RequestExtensions.SetNoBody(response, StatusCodes.Status201Created);
        response.Headers.Location = $"/v2/{name}/blobs/{digest}";
        response.Headers["Docker-Content-Digest"] = digest.ToString();
    }

    private static async Task AcceptedAsync(HttpContext context, RegistryContext registry, string name, string id, long size)
    {
        await SetSessionHeadersAsync(context, registry, name, id, size);
        RequestExtensions.SetNoBody(context.Response, StatusCodes.Status202Accepted);
    }

    private static async Task SetSessionHeadersAsync(HttpContext context, RegistryContext registry, string name, string id, long size)
    {
        var state = await registry.Signer.SignAsync(name, id, context.RequestAborted);
        var headers = context.Response.Headers;
        headers.Location = $"/v2/{name}/blobs/uploads/{id}?_state={state}";
        headers["Docker-Upload-UUID"] = id;
        headers.Range = size == 0 ? "0-0" : $"0-{size - 1}";
        headers["OCI-Chunk-Min-Length"] = "0";
    }
}
