using System.Net;

namespace Speedy.Index.Tests.Web;

/// <summary>A page as received: status, body and where a redirect points.</summary>
internal sealed record WebResponse(HttpStatusCode Status, string Body, Uri? Location, IReadOnlyDictionary<string, string> Headers)
{
    public static async Task<WebResponse> ReadAsync(HttpResponseMessage response)
    {
        var headers = response.Headers.Concat(response.Content.Headers)
            .ToDictionary(header => header.Key, header => string.Join(", ", header.Value), StringComparer.OrdinalIgnoreCase);
        return new WebResponse(
            response.StatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), response.Headers.Location, headers);
    }
}
