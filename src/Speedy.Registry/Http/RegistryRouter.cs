using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Speedy.Registry.Core;

namespace Speedy.Registry.Http;

/// <summary>
/// Dispatches every request to its endpoint class, after <see cref="Auth.RegistryAuthorization"/> let it through
/// when authentication is on. ASP.NET routing cannot express repository names with
/// slashes before a fixed suffix, so <see cref="RegistryRoute"/> parses the path instead. The path is the
/// request target as the client sent it, not the server's decoded and dot-segment-normalized
/// <see cref="HttpRequest.Path"/>: "/v2/a/../b/tags/list" must be refused as an invalid name, not quietly served
/// as "/v2/b/tags/list", and "/v2/%2e%2e/x" must not escape "/v2" at all. Nothing in a valid registry path needs
/// percent-encoding, so the raw target loses nothing.
/// </summary>
internal static class RegistryRouter
{
    private const string Prefix = "/v2";

    public static Task HandleAsync(HttpContext context, RegistryContext registry)
    {
        var path = TargetPath(context);
        if (!path.StartsWith(Prefix, StringComparison.Ordinal) || (path.Length > Prefix.Length && path[Prefix.Length] != '/'))
        {
            throw NotFound(path);
        }

        var rest = path.Length <= Prefix.Length + 1 ? string.Empty : path[(Prefix.Length + 1)..];
        var route = RegistryRoute.Parse(rest) ?? throw NotFound(path);
        if (registry.Authorization.Enabled)
        {
            var authorization = registry.Authorization.AuthorizeAsync(context, route);
            if (!authorization.IsCompletedSuccessfully)
            {
                return DispatchAfterAsync(authorization, context, registry, route, path);
            }
        }

        return Dispatch(context, registry, route, path);
    }

    private static async Task DispatchAfterAsync(ValueTask authorization, HttpContext context, RegistryContext registry, RegistryRoute route, string path)
    {
        await authorization;
        await Dispatch(context, registry, route, path);
    }

    private static Task Dispatch(HttpContext context, RegistryContext registry, RegistryRoute route, string path)
    {
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
            _ => throw MethodNotAllowed(context.Response, route.Kind, method, path),
        };
    }

    /// <summary>The path of the request target as received (origin-form), else the decoded path.</summary>
    private static string TargetPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (raw is { Length: > 0 } && raw[0] == '/')
        {
            var query = raw.IndexOf('?', StringComparison.Ordinal);
            return query < 0 ? raw : raw[..query];
        }

        return context.Request.PathBase.Add(context.Request.Path).ToUriComponent();
    }

    private static RegistryException NotFound(string path) =>
        new(OciErrorCode.Unsupported, $"no registry endpoint at {RequestExtensions.Shorten(path)}", null, StatusCodes.Status404NotFound);

    private static RegistryException MethodNotAllowed(HttpResponse response, RouteKind kind, string method, string path)
    {
        response.Headers.Allow = kind switch
        {
            RouteKind.Base => "GET, HEAD",
            RouteKind.Catalog or RouteKind.Tags or RouteKind.Referrers => "GET",
            RouteKind.Manifest => "GET, HEAD, PUT, DELETE",
            RouteKind.Blob => "GET, HEAD, DELETE",
            RouteKind.UploadStart => "POST",
            _ => "GET, PATCH, PUT, DELETE",
        };
        return new RegistryException(OciErrorCode.Unsupported, $"{RequestExtensions.Shorten(method)} is not supported on {RequestExtensions.Shorten(path)}");
    }

    private static Task BaseAsync(HttpContext context) => TagEndpoints.WriteJsonAsync(context, 0, static (_, _) => { });
}
