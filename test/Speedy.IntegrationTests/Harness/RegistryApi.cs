using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Speedy.IntegrationTests.Harness;

/// <summary>Small pieces of the distribution API spoken directly with HttpClient, asserting each status on the way.</summary>
public static class RegistryApi
{
    public const string OctetStream = "application/octet-stream";

    /// <summary>A header's raw value(s) exactly as sent (response `Range` is not a header .NET parses).</summary>
    public static string? Header(HttpResponseMessage response, string name)
    {
        if (response.Headers.NonValidated.TryGetValues(name, out var values)
            || response.Content.Headers.NonValidated.TryGetValues(name, out values))
        {
            return string.Join(", ", values);
        }

        return null;
    }

    /// <summary>The `Location` of an upload, as a path and query relative to any replica (scheme and host dropped, query kept verbatim).</summary>
    public static string UploadPath(HttpResponseMessage response)
    {
        var location = Header(response, "Location");
        Assert.False(string.IsNullOrEmpty(location), $"{(int)response.StatusCode} response has no Location header.");
        if (location.StartsWith('/'))
        {
            return location;
        }

        // Absolute: keep everything from the path on, byte for byte.
        var afterScheme = location.IndexOf("://", StringComparison.Ordinal);
        Assert.True(afterScheme > 0, $"Location '{location}' is neither a path nor an absolute URL.");
        var pathStart = location.IndexOf('/', afterScheme + 3);
        return pathStart < 0 ? "/" : location[pathStart..];
    }

    /// <summary>Appends `digest=` to an upload URL's query.</summary>
    public static string WithDigest(string uploadPath, string digest) =>
        uploadPath + (uploadPath.Contains('?', StringComparison.Ordinal) ? "&" : "?") + "digest=" + Uri.EscapeDataString(digest);

    /// <summary>A request to an upload path; the URI is built without re-escaping the path or query.</summary>
    public static HttpRequestMessage Request(HttpMethod method, string uploadPath) =>
        new(method, new Uri(uploadPath, UriKind.Relative));

    public static ByteArrayContent Chunk(byte[] bytes, long offset, int count)
    {
        var content = new ByteArrayContent(bytes, checked((int)offset), count);
        content.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
        // The distribution spec's form is `start-end` (no `bytes ` unit), which ContentRangeHeaderValue would not produce.
        content.Headers.TryAddWithoutValidation("Content-Range", $"{offset}-{offset + count - 1}");
        return content;
    }

    /// <summary>POST then one PUT with the whole body; returns the digest.</summary>
    public static async Task<string> PushBlobAsync(HttpClient client, string repository, byte[] blob, CancellationToken cancellationToken)
    {
        var digest = OciLayout.Sha256Digest(blob);
        using var start = await client.PostAsync($"v2/{repository}/blobs/uploads/", content: null, cancellationToken);
        await ExpectStatusAsync(start, HttpStatusCode.Accepted, cancellationToken);

        using var put = Request(HttpMethod.Put, WithDigest(UploadPath(start), digest));
        put.Content = new ByteArrayContent(blob);
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(OctetStream);
        using var finished = await client.SendAsync(put, cancellationToken);
        await ExpectStatusAsync(finished, HttpStatusCode.Created, cancellationToken);
        Assert.Equal(digest, Header(finished, "Docker-Content-Digest"));
        return digest;
    }

    public static async Task<byte[]> GetBlobAsync(HttpClient client, string repository, string digest, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync($"v2/{repository}/blobs/{digest}", cancellationToken);
        await ExpectStatusAsync(response, HttpStatusCode.OK, cancellationToken);
        return await response.Content.ReadAsByteArrayAsync(cancellationToken);
    }

    public static async Task<string> PutManifestAsync(
        HttpClient client, string repository, string reference, string mediaType, byte[] manifest, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(manifest);
        content.Headers.ContentType = new MediaTypeHeaderValue(mediaType);
        using var response = await client.PutAsync($"v2/{repository}/manifests/{reference}", content, cancellationToken);
        await ExpectStatusAsync(response, HttpStatusCode.Created, cancellationToken);
        var digest = OciLayout.Sha256Digest(manifest);
        Assert.Equal(digest, Header(response, "Docker-Content-Digest"));
        return digest;
    }

    public static async Task<IReadOnlyList<string>> ListTagsAsync(HttpClient client, string repository, CancellationToken cancellationToken)
    {
        using var response = await client.GetAsync($"v2/{repository}/tags/list", cancellationToken);
        await ExpectStatusAsync(response, HttpStatusCode.OK, cancellationToken);
        using var document = JsonDocument.Parse(await response.Content.ReadAsByteArrayAsync(cancellationToken));
        Assert.Equal(repository, document.RootElement.GetProperty("name").GetString());
        var tags = new List<string>();
        foreach (var tag in document.RootElement.GetProperty("tags").EnumerateArray())
        {
            tags.Add(tag.GetString() ?? throw new InvalidDataException("A tag is null."));
        }

        return tags;
    }

    /// <summary>An OCI image manifest over one config and one layer (the registry checks both exist).</summary>
    public static byte[] ImageManifest(string configDigest, long configSize, string layerDigest, long layerSize) =>
        Encoding.UTF8.GetBytes(new JsonObject
        {
            ["schemaVersion"] = 2,
            ["mediaType"] = OciLayout.ManifestMediaType,
            ["config"] = Descriptor("application/vnd.oci.image.config.v1+json", configDigest, configSize),
            ["layers"] = new JsonArray(Descriptor("application/vnd.oci.image.layer.v1.tar", layerDigest, layerSize)),
        }.ToJsonString());

    /// <summary>Asserts the status, putting the request, status and body in the failure message.</summary>
    public static async Task ExpectStatusAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.Fail(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode} " +
                $"{response.StatusCode}, expected {(int)expected} {expected}.{Environment.NewLine}Headers: {response.Headers}{Environment.NewLine}Body: {body}");
        }
    }

    private static JsonObject Descriptor(string mediaType, string digest, long size) =>
        new() { ["mediaType"] = mediaType, ["digest"] = digest, ["size"] = size };
}
