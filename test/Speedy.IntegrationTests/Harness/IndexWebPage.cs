using System.Net;

namespace Speedy.IntegrationTests.Harness;

/// <summary>A page of the index's web UI as received: its status, its HTML and where a redirect points.</summary>
public sealed record IndexWebPage(HttpStatusCode Status, string Body, Uri? Location)
{
    public static async Task<IndexWebPage> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken) =>
        new(response.StatusCode, await response.Content.ReadAsStringAsync(cancellationToken), response.Headers.Location);
}
