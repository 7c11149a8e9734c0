using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Speedy.Index.Web;

/// <summary>
/// The UI's two static files, compiled into the assembly (no static-web-assets manifest for the host to carry):
/// <c>/static/index.css</c> and <c>/static/copy.js</c>, with an ETag and a day's caching.
/// </summary>
internal static class WebAssets
{
    public const string StylesheetPath = "/static/index.css";
    public const string ScriptPath = "/static/copy.js";

    private static readonly Asset s_stylesheet = Load("index.css", "text/css; charset=utf-8");
    private static readonly Asset s_script = Load("copy.js", "text/javascript; charset=utf-8");

    /// <summary>The stylesheet's URL with its version, so a changed file is fetched again at once.</summary>
    public static string StylesheetUrl => $"{StylesheetPath}?v={s_stylesheet.Version}";

    public static string ScriptUrl => $"{ScriptPath}?v={s_script.Version}";

    public static IResult Stylesheet(HttpContext context) => Serve(context, s_stylesheet);

    public static IResult Script(HttpContext context) => Serve(context, s_script);

    private static IResult Serve(HttpContext context, Asset asset)
    {
        context.Response.Headers.CacheControl = "public, max-age=86400";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        var etag = new EntityTagHeaderValue($"\"{asset.Version}\"");
        return context.Request.Headers.IfNoneMatch.ToString().Contains(etag.Tag.ToString(), StringComparison.Ordinal)
            ? Results.StatusCode(StatusCodes.Status304NotModified)
            : Results.Bytes(asset.Content, asset.ContentType, entityTag: etag);
    }

    private static Asset Load(string name, string contentType)
    {
        var resource = $"Speedy.Index.Web.Assets.{name}";
        using var stream = typeof(WebAssets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the embedded resource {resource} is missing from the build");
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var content = buffer.ToArray();
        return new Asset(content, contentType, Convert.ToHexStringLower(SHA256.HashData(content))[..12]);
    }

    private sealed record Asset(byte[] Content, string ContentType, string Version);
}
