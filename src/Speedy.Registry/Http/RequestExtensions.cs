using Microsoft.AspNetCore.Http;
using Speedy.Registry.Core;

namespace Speedy.Registry.Http;

/// <summary>Small helpers shared by the endpoint classes.</summary>
internal static class RequestExtensions
{
    public static Digest ParseDigestOrThrow(string value)
    {
        if (!Digest.TryParse(value, out var digest))
        {
            throw new RegistryException(OciErrorCode.DigestInvalid, $"invalid or unsupported digest \"{Shorten(value)}\"");
        }

        return digest;
    }

    public static void RequireDeleteEnabled(RegistryOptions options)
    {
        if (!options.DeleteEnabled)
        {
            throw new RegistryException(OciErrorCode.Unsupported, "deletion is disabled on this registry");
        }
    }

    /// <summary>Parses the <c>n</c> and <c>last</c> pagination parameters.</summary>
    public static (int Limit, string? Last) Pagination(HttpRequest request, int defaultLimit, int maxLimit)
    {
        var last = request.Query["last"].ToString();
        var nText = request.Query["n"].ToString();
        var limit = defaultLimit;
        if (nText.Length > 0)
        {
            if (!int.TryParse(nText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out limit))
            {
                throw new RegistryException(OciErrorCode.PaginationNumberInvalid, $"n must be a non-negative integer, got \"{Shorten(nText)}\"");
            }

            limit = Math.Min(limit, maxLimit);
        }

        return (limit, last.Length == 0 ? null : last);
    }

    public static void SetNoBody(HttpResponse response, int status)
    {
        response.StatusCode = status;
        response.ContentLength = 0;
    }

    public static string Shorten(string value) => value.Length <= 200 ? value : value[..200] + "…";
}
