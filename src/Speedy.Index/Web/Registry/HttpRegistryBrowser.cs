using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Options;
using Speedy.Auth;
using Speedy.Registry.Core;
using Speedy.Registry.Core.Manifests;

namespace Speedy.Index.Web.Registry;

/// <summary>
/// <see cref="IRegistryBrowser"/> over the OCI distribution API at <see cref="IndexWebOptions.RegistryUrl"/>, each
/// request with a bearer token from the <see cref="RegistryTokenFactory"/> (when one is registered) scoped to the one
/// repository and action it needs.
/// </summary>
internal sealed class HttpRegistryBrowser : IRegistryBrowser
{
    /// <summary>The subject of the tokens for reads: the UI itself, not a person.</summary>
    public const string ReaderSubject = "speedy-index-web";

    /// <summary>A repository with more tags than this shows the first ones only.</summary>
    public const int MaxTags = 10_000;

    private const int TagPageSize = 1000;
    private const int MaxManifestBytes = 4 << 20;
    private const int MaxReferrerPages = 10;

    private static readonly string s_manifestAccept =
        string.Join(", ", MediaTypes.OciIndex, MediaTypes.OciManifest, MediaTypes.DockerManifestList, MediaTypes.DockerManifest);

    private readonly HttpClient _client;
    private readonly IndexWebOptions _options;
    private readonly RegistryTokenFactory? _tokens;

    public HttpRegistryBrowser(HttpClient client, IOptions<IndexWebOptions> options, IServiceProvider services)
    {
        _client = client;
        _options = options.Value;
        _tokens = services.GetService(typeof(RegistryTokenFactory)) as RegistryTokenFactory;
        _client.Timeout = _options.RegistryTimeout;
    }

    public async Task<IReadOnlyList<string>> ListTagsAsync(string repository, CancellationToken cancellationToken)
    {
        var tags = new List<string>();
        var next = $"v2/{repository}/tags/list?n={TagPageSize}";
        while (next is not null && tags.Count < MaxTags)
        {
            using var response = await SendAsync(HttpMethod.Get, next, repository, ResourceActions.Pull, ReaderSubject, null, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return tags;
            }

            EnsureSuccess(response, "list the tags of", repository);
            var body = await ReadLimitedAsync(response, MaxManifestBytes, cancellationToken)
                ?? throw Unavailable($"the tag list of {repository} is larger than {MaxManifestBytes} bytes");
            tags.AddRange(RegistryDocuments.ParseTags(body));
            next = NextLink(response);
        }

        return tags.Count > MaxTags ? tags[..MaxTags] : tags;
    }

    public async Task<RegistryManifest?> GetManifestAsync(string repository, string reference, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            HttpMethod.Get, $"v2/{repository}/manifests/{reference}", repository, ResourceActions.Pull, ReaderSubject, s_manifestAccept, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        EnsureSuccess(response, "read a manifest of", repository);
        var body = await ReadLimitedAsync(response, MaxManifestBytes, cancellationToken)
            ?? throw Unavailable($"the manifest {reference} of {repository} is larger than {MaxManifestBytes} bytes");
        var contentType = response.Content.Headers.ContentType?.MediaType;
        ParsedManifest parsed;
        try
        {
            parsed = ManifestParser.Parse(body, contentType);
        }
        catch (RegistryException e)
        {
            throw Unavailable($"the registry served a manifest of {repository} the index cannot read: {e.Message}");
        }

        var digest = response.Headers.TryGetValues("Docker-Content-Digest", out var values) && Digest.TryParse(values.FirstOrDefault(), out var served)
            ? served
            : Digest.FromHash(DigestAlgorithm.Sha256, System.Security.Cryptography.SHA256.HashData(body));
        return new RegistryManifest(digest, parsed.MediaType, body.Length, parsed);
    }

    public async Task<byte[]?> GetBlobAsync(string repository, Digest digest, int maxBytes, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            HttpMethod.Get, $"v2/{repository}/blobs/{digest}", repository, ResourceActions.Pull, ReaderSubject, null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        EnsureSuccess(response, "read a blob of", repository);
        return await ReadLimitedAsync(response, maxBytes, cancellationToken);
    }

    public async Task<IReadOnlyList<Descriptor>> ListReferrersAsync(string repository, Digest digest, CancellationToken cancellationToken)
    {
        var referrers = new List<Descriptor>();
        var next = $"v2/{repository}/referrers/{digest}";
        for (var page = 0; next is not null && page < MaxReferrerPages; page++)
        {
            using var response = await SendAsync(HttpMethod.Get, next, repository, ResourceActions.Pull, ReaderSubject, null, cancellationToken);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return referrers;
            }

            EnsureSuccess(response, "list the referrers of", repository);
            var body = await ReadLimitedAsync(response, MaxManifestBytes, cancellationToken)
                ?? throw Unavailable($"the referrers of {repository}@{digest} are larger than {MaxManifestBytes} bytes");
            try
            {
                referrers.AddRange(ManifestParser.Parse(body, MediaTypes.OciIndex).Manifests);
            }
            catch (RegistryException e)
            {
                throw Unavailable($"the registry served a referrers list of {repository} the index cannot read: {e.Message}");
            }

            next = NextLink(response);
        }

        return referrers;
    }

    public async Task<bool> DeleteTagAsync(string repository, string tag, string actor, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            HttpMethod.Delete, $"v2/{repository}/manifests/{tag}", repository, ResourceActions.Delete, actor, null, cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }

        EnsureSuccess(response, "delete a tag of", repository);
        return true;
    }

    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string path, string repository, string action, string subject, string? accept, CancellationToken cancellationToken)
    {
        var baseUrl = _options.RegistryUrl ?? throw Unavailable("no registry is configured for the index");
        using var request = new HttpRequestMessage(method, new Uri(WithTrailingSlash(baseUrl), path));
        if (accept is not null)
        {
            request.Headers.Accept.ParseAdd(accept);
        }

        if (_tokens is not null)
        {
            var token = _tokens(subject, [new ResourceAccess(ResourceTypes.Repository, repository, [action])]);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        try
        {
            return await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException e)
        {
            throw Unavailable($"the registry at {baseUrl} cannot be reached: {e.Message}", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw Unavailable($"the registry at {baseUrl} did not answer within {_options.RegistryTimeout.TotalSeconds:0} s", e);
        }
    }

    private static void EnsureSuccess(HttpResponseMessage response, string what, string repository)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        throw response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            ? Unavailable($"the registry refused the index's token to {what} {repository} (HTTP {status}): the index and the registry disagree on keys, issuer or service")
            : Unavailable($"the registry could not {what} {repository} (HTTP {status} {response.ReasonPhrase})");
    }

    /// <summary>The body, or null when it is longer than <paramref name="maxBytes"/>.</summary>
    private static async Task<byte[]?> ReadLimitedAsync(HttpResponseMessage response, int maxBytes, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            return null;
        }

        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    /// <summary>The relative target of a <c>Link: &lt;…&gt;; rel="next"</c> header, or null.</summary>
    private static string? NextLink(HttpResponseMessage response)
    {
        if (!response.Headers.TryGetValues("Link", out var links))
        {
            return null;
        }

        foreach (var link in links)
        {
            var open = link.IndexOf('<', StringComparison.Ordinal);
            var close = link.IndexOf('>', StringComparison.Ordinal);
            if (open >= 0 && close > open && link.Contains("rel=\"next\"", StringComparison.Ordinal) &&
                Uri.TryCreate(link[(open + 1)..close], UriKind.RelativeOrAbsolute, out var target))
            {
                // The registry's own links only: an absolute one must point back at the same registry.
                var relative = target.IsAbsoluteUri ? target.PathAndQuery : target.OriginalString;
                return relative.StartsWith("/v2/", StringComparison.Ordinal) ? relative[1..] : null;
            }
        }

        return null;
    }

    /// <summary>The base URL as a directory, so a path prefix (<c>http://host/registry</c>) is kept when the API path is added.</summary>
    private static Uri WithTrailingSlash(Uri url) => url.AbsolutePath.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");

    private static RegistryUnavailableException Unavailable(string message, Exception? inner = null) =>
        inner is null ? new RegistryUnavailableException(message) : new RegistryUnavailableException(message, inner);
}
