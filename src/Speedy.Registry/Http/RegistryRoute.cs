using Speedy.Registry.Core;

namespace Speedy.Registry.Http;

/// <summary>
/// A parsed registry path. Repository names contain slashes, so the path is read from its end: the last
/// segments say which resource it is and everything before them is the name. A name that is not valid per
/// the spec's grammar is reported as <see cref="RegistryException"/> NAME_INVALID, which also refuses any
/// path-traversal attempt (".", "..", empty or encoded segments are never valid name components).
/// </summary>
internal readonly record struct RegistryRoute(RouteKind Kind, string Name, string Argument)
{
    /// <summary>Parses the part of the path after "/v2/"; null when it names no registry resource.</summary>
    public static RegistryRoute? Parse(string path)
    {
        if (path.Length == 0)
        {
            return new RegistryRoute(RouteKind.Base, string.Empty, string.Empty);
        }

        if (path == "_catalog")
        {
            return new RegistryRoute(RouteKind.Catalog, string.Empty, string.Empty);
        }

        if (path.EndsWith("/tags/list", StringComparison.Ordinal))
        {
            return Named(RouteKind.Tags, path[..^"/tags/list".Length], string.Empty);
        }

        var slash = path.LastIndexOf('/');
        if (slash <= 0)
        {
            return null;
        }

        var last = path[(slash + 1)..];
        var prefix = path[..slash];
        if (prefix.EndsWith("/blobs/uploads", StringComparison.Ordinal))
        {
            var name = prefix[..^"/blobs/uploads".Length];
            return last.Length == 0 ? Named(RouteKind.UploadStart, name, string.Empty) : Named(RouteKind.Upload, name, last);
        }

        if (prefix.EndsWith("/blobs", StringComparison.Ordinal))
        {
            var name = prefix[..^"/blobs".Length];
            return last == "uploads" ? Named(RouteKind.UploadStart, name, string.Empty) : Named(RouteKind.Blob, name, last);
        }

        if (prefix.EndsWith("/manifests", StringComparison.Ordinal))
        {
            return Named(RouteKind.Manifest, prefix[..^"/manifests".Length], last);
        }

        if (prefix.EndsWith("/referrers", StringComparison.Ordinal))
        {
            return Named(RouteKind.Referrers, prefix[..^"/referrers".Length], last);
        }

        return null;
    }

    private static RegistryRoute Named(RouteKind kind, string name, string argument)
    {
        if (!RepositoryName.IsValid(name))
        {
            throw new RegistryException(OciErrorCode.NameInvalid, $"invalid repository name \"{Truncate(name)}\"");
        }

        // The name is checked as sent (no valid name needs escaping); the argument, a tag, digest or upload id,
        // is decoded first, for clients that escape a digest's colon.
        if (argument.Contains('%', StringComparison.Ordinal))
        {
            argument = Uri.UnescapeDataString(argument);
        }

        return new RegistryRoute(kind, name, argument);
    }

    private static string Truncate(string value) => value.Length <= 300 ? value : value[..300] + "…";
}
