using Microsoft.AspNetCore.Http;
using Speedy.Registry.Core;

namespace Speedy.Registry.Http;

/// <summary>
/// Dispatches every <c>/v2/</c> request to its endpoint class. ASP.NET routing cannot express repository
/// names with slashes before a fixed suffix, so <see cref="RegistryRoute"/> parses the path instead.
/// </summary>
internal static class RegistryRouter
{
    public static Task HandleAsync(HttpContext context, RegistryContext registry)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        var rest = path.Length <= 4 ? string.Empty : path[4..];
        var route = RegistryRoute.Parse(rest)
            ?? throw new RegistryException(OciErrorCode.Unsupported, $"no registry endpoint at {RequestExtensions.Shorten(path)}", null, StatusCodes.Status404NotFound);
        var method = context.Request.Method;
        var get = HttpMethods.IsGet(method);
        var head = HttpMethods.IsHead(method);
        return (route.Kind, method) switch
        {
            (RouteKind.Base, _) when get || head => BaseAsync(context),
            (RouteKind.Catalog, _) when get => TagEndpoints.ListRepositoriesAsync(context, registry),
            (RouteKind.Tags, _) when get => TagEndpoints.ListTagsAsync(context, registry, route),
            (RouteKind.Manifest, _) when get || head => ManifestEndpoints.GetAsync(context, registry, route, head),
            (RouteKind.Manifest, "PUT") => ManifestEndpoints.PutAsync(context, registry, route),
            (RouteKind.Manifest, "DELETE") => ManifestEndpoints.DeleteAsync(context, registry, route),
            (RouteKind.Blob, _) when get || head => BlobEndpoints.GetAsync(context, registry, route, head),
            (RouteKind.Blob, "DELETE") => BlobEndpoints.DeleteAsync(context, registry, route),
            (RouteKind.UploadStart, "POST") => UploadEndpoints.StartAsync(context, registry, route),
            (RouteKind.Upload, "PATCH") => UploadEndpoints.PatchAsync(context, registry, route),
            (RouteKind.Upload, "PUT") => UploadEndpoints.PutAsync(context, registry, route),
            (RouteKind.Upload, "GET") => UploadEndpoints.StatusAsync(context, registry, route),
            (RouteKind.Upload, "DELETE") => UploadEndpoints.CancelAsync(context, registry, route),
            (RouteKind.Referrers, _) when get => ReferrerEndpoints.GetAsync(context, registry, route),
            _ => throw new RegistryException(OciErrorCode.Unsupported, $"{method} is not supported on {RequestExtensions.Shorten(path)}"),
        };
    }

    private static Task BaseAsync(HttpContext context) => TagEndpoints.WriteJsonAsync(context, _ => { });
}
