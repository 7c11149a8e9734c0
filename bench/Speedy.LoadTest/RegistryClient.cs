using System.Net;
using System.Text;

namespace Speedy.LoadTest;

/// <summary>
/// The OCI Distribution API as the workloads use it, over one shared <see cref="SocketsHttpHandler"/>. Only the
/// standard endpoints, so it drives Speedy and CNCF Distribution alike. Every request counts in the step's
/// <see cref="StepRecorder"/>; every response the API does not promise throws a <see cref="RegistryException"/>.
/// </summary>
internal sealed partial class RegistryClient : IDisposable
{
    private const int ErrorSnippetBytes = 300;

    private readonly HttpClient _http;
    private readonly Uri _registry;

    public RegistryClient(Uri registry, int maxConnections)
    {
        _registry = registry;
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxConnections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(30),
            AutomaticDecompression = DecompressionMethods.None,
            UseCookies = false,
            UseProxy = false,
        };
        _http = new HttpClient(handler) { Timeout = TimeSpan.FromMinutes(5) };
    }

    public Uri BlobUri(string repository, string digest) => new(_registry, $"/v2/{repository}/blobs/{digest}");

    public Uri ManifestUri(string repository, string reference) => new(_registry, $"/v2/{repository}/manifests/{reference}");

    /// <summary><c>GET /v2/</c>: the registry answers and needs no credentials.</summary>
    public async Task CheckAsync(StepRecorder recorder, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_registry, "/v2/"));
        using var response = await SendAsync(request, recorder, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await UnexpectedAsync(request, response, cancellationToken);
        }
    }

    public void Dispose() => _http.Dispose();

    private async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, StepRecorder recorder, CancellationToken cancellationToken)
    {
        recorder.AddRequest();
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new RegistryException($"{Describe(request)}: {Innermost(ex)}", ex);
        }
        catch (TaskCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RegistryException($"{Describe(request)}: no response in {_http.Timeout.TotalSeconds:0} s", ex);
        }
    }

    /// <summary>The error for a response the API does not allow here: its status and the start of its body.</summary>
    private static async Task<RegistryException> UnexpectedAsync(HttpRequestMessage request, HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var snippet = "";
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var buffer = new byte[ErrorSnippetBytes];
            var filled = 0;
            int read;
            while (filled < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
            }

            snippet = string.Join(' ', Encoding.UTF8.GetString(buffer, 0, filled).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            snippet = $"(body unreadable: {ex.Message})";
        }

        var message = $"{Describe(request)}: {(int)response.StatusCode} {response.ReasonPhrase}";
        return new RegistryException(snippet.Length == 0 ? message : $"{message}: {snippet}");
    }

    private static RegistryException Wrong(HttpRequestMessage request, string what) => new($"{Describe(request)}: {what}");

    /// <summary>The method and path (no query: an upload's state can be long) of a request.</summary>
    private static string Describe(HttpRequestMessage request) =>
        // Every request this client sends is built with an absolute URI.
        $"{request.Method} {request.RequestUri!.AbsolutePath}";

    private static string Innermost(Exception exception)
    {
        while (exception.InnerException is not null)
        {
            exception = exception.InnerException;
        }

        return exception.Message;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.NonValidated.TryGetValues(name, out var values) ? values.ToString() : null;

    /// <summary>
    /// The response's <c>Location</c>, absolute or relative (resolved against the request, as RFC 9110 says), and
    /// with or without a query of its own. Read raw: a path like <c>/v2/…</c> must not become a file URI.
    /// </summary>
    private static Uri Location(HttpRequestMessage request, HttpResponseMessage response)
    {
        var location = Header(response, "Location");
        if (string.IsNullOrEmpty(location))
        {
            throw Wrong(request, $"{(int)response.StatusCode} without a Location header");
        }

        if (Uri.TryCreate(location, UriKind.Absolute, out var absolute) && (absolute.Scheme == Uri.UriSchemeHttp || absolute.Scheme == Uri.UriSchemeHttps))
        {
            return absolute;
        }

        // Every request this client sends is built with an absolute URI.
        return new Uri(request.RequestUri!, new Uri(location, UriKind.Relative));
    }

    /// <summary><paramref name="location"/> with <c>digest=</c> added to whatever query it has.</summary>
    private static Uri WithDigest(Uri location, string digest)
    {
        var text = location.AbsoluteUri;
        var separator = !text.Contains('?', StringComparison.Ordinal) ? "?" : text.EndsWith('?') || text.EndsWith('&') ? "" : "&";
        return new Uri(text + separator + "digest=" + digest);
    }
}
