using Microsoft.AspNetCore.Http;
using Speedy.Auth;
using Speedy.Registry.Core;
using Speedy.Registry.Http;

namespace Speedy.Registry.Auth;

/// <summary>
/// The access a request needs, from its route and method, as Distribution maps them: reads (<c>GET</c>/<c>HEAD</c> of
/// manifests, blobs, tags, referrers) need <c>pull</c>; uploads and manifest pushes need <c>push</c> (clients ask for
/// <c>pull,push</c>, which the challenge names); deletions need <c>delete</c>; the catalog needs
/// <c>registry:catalog:*</c>; the base endpoint <c>/v2/</c> only a valid credential (<see cref="Type"/> null).
/// Upload session requests (status, chunk, completion, cancel) belong to the pusher and need <c>push</c>.
/// </summary>
internal readonly record struct RequiredAccess(string? Type, string Name, string Action)
{
    /// <summary>What the request needs; null when the route does not serve the method (the router then answers 405).</summary>
    public static RequiredAccess? For(RegistryRoute route, string method)
    {
        var read = HttpMethods.IsGet(method) || HttpMethods.IsHead(method);
        return route.Kind switch
        {
            RouteKind.Base when read => new RequiredAccess(null, string.Empty, string.Empty),
            RouteKind.Catalog when HttpMethods.IsGet(method) => new RequiredAccess(ResourceTypes.Registry, "catalog", ResourceActions.All),
            RouteKind.Tags or RouteKind.Referrers when HttpMethods.IsGet(method) => Repository(route, ResourceActions.Pull),
            RouteKind.Manifest or RouteKind.Blob when read => Repository(route, ResourceActions.Pull),
            RouteKind.Manifest when HttpMethods.IsPut(method) => Repository(route, ResourceActions.Push),
            RouteKind.Manifest or RouteKind.Blob when HttpMethods.IsDelete(method) => Repository(route, ResourceActions.Delete),
            RouteKind.UploadStart when HttpMethods.IsPost(method) => Repository(route, ResourceActions.Push),
            RouteKind.Upload when HttpMethods.IsPatch(method) || HttpMethods.IsPut(method) || HttpMethods.IsGet(method) || HttpMethods.IsDelete(method)
                => Repository(route, ResourceActions.Push),
            _ => null,
        };
    }

    /// <summary>
    /// The <c>scope</c> of the challenge: what a client should ask the token service for. A push asks for
    /// <c>pull,push</c>, and a cross-repository mount also for <c>pull</c> on its source, space-separated as Docker
    /// sends several scopes.
    /// </summary>
    public string Scope(HttpRequest request)
    {
        if (Type is null)
        {
            return string.Empty;
        }

        if (Type == ResourceTypes.Registry)
        {
            return $"{Type}:{Name}:{Action}";
        }

        if (Action != ResourceActions.Push)
        {
            return $"{Type}:{Name}:{Action}";
        }

        var scope = $"{Type}:{Name}:{ResourceActions.Pull},{ResourceActions.Push}";
        var from = request.Query["from"].ToString();
        if (request.Query["mount"].Count > 0 && from != Name && RepositoryName.IsValid(from))
        {
            scope += $" {ResourceTypes.Repository}:{from}:{ResourceActions.Pull}";
        }

        return scope;
    }

    private static RequiredAccess Repository(RegistryRoute route, string action) => new(ResourceTypes.Repository, route.Name, action);
}
