using System.Globalization;
using System.Net;

namespace Speedy.LoadTest;

/// <summary>Manifest pushes and reads, and small blobs read whole (an image config).</summary>
internal sealed partial class RegistryClient
{
    public const string OciManifest = "application/vnd.oci.image.manifest.v1+json";

    /// <summary><c>PUT</c> an OCI manifest under a tag: 201 with its digest.</summary>
    public async Task PutManifestAsync(string repository, string tag, ReadOnlyMemory<byte> manifest, string digest, StepRecorder recorder, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, ManifestUri(repository, tag)) { Content = new ReadOnlyMemoryContent(manifest) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", OciManifest);
        using var response = await SendAsync(request, recorder, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw await UnexpectedAsync(request, response, cancellationToken);
        }

        CheckDigest(request, response, digest);
        recorder.AddBytes(manifest.Length);
    }

    /// <summary><c>HEAD</c> a manifest: 200 with its digest and length.</summary>
    public async Task HeadManifestAsync(Uri uri, string digest, long length, StepRecorder recorder, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, uri);
        request.Headers.TryAddWithoutValidation("Accept", OciManifest);
        using var response = await SendAsync(request, recorder, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await UnexpectedAsync(request, response, cancellationToken);
        }

        CheckDigest(request, response, digest);
        if (response.Content.Headers.ContentLength != length)
        {
            throw Wrong(request, $"Content-Length {response.Content.Headers.ContentLength?.ToString(CultureInfo.InvariantCulture) ?? "missing"}, expected {length}");
        }
    }

    /// <summary><c>GET</c> a manifest: 200 with its digest and exactly <paramref name="expected"/> as the body.</summary>
    public async Task GetManifestAsync(Uri uri, ReadOnlyMemory<byte> expected, string digest, byte[] buffer, StepRecorder recorder, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        request.Headers.TryAddWithoutValidation("Accept", OciManifest);
        await GetExactAsync(request, expected, digest, buffer, recorder, cancellationToken);
    }

    /// <summary><c>GET</c> a small blob whose bytes are known: 200 and exactly <paramref name="expected"/>.</summary>
    public async Task GetSmallBlobAsync(Uri uri, ReadOnlyMemory<byte> expected, byte[] buffer, StepRecorder recorder, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        await GetExactAsync(request, expected, null, buffer, recorder, cancellationToken);
    }

    private async Task GetExactAsync(HttpRequestMessage request, ReadOnlyMemory<byte> expected, string? digest, byte[] buffer, StepRecorder recorder, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(buffer.Length, expected.Length);
        using var response = await SendAsync(request, recorder, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await UnexpectedAsync(request, response, cancellationToken);
        }

        if (digest is not null)
        {
            CheckDigest(request, response, digest);
        }

        var filled = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            int read;
            while (filled < buffer.Length && (read = await body.ReadAsync(buffer.AsMemory(filled), cancellationToken)) > 0)
            {
                filled += read;
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new RegistryException($"{Describe(request)}: body broke off after {filled} bytes: {Innermost(ex)}", ex);
        }

        recorder.AddBytes(filled);
        if (!buffer.AsSpan(0, filled).SequenceEqual(expected.Span))
        {
            throw Wrong(request, filled == expected.Length ? "the body differs from what was pushed"
                : filled > expected.Length ? $"more than the {expected.Length} bytes pushed" : $"{filled} bytes, expected {expected.Length}");
        }
    }

    private static void CheckDigest(HttpRequestMessage request, HttpResponseMessage response, string digest)
    {
        var stored = Header(response, "Docker-Content-Digest");
        if (stored != digest)
        {
            throw Wrong(request, $"{(int)response.StatusCode} with Docker-Content-Digest {stored ?? "missing"}, expected {digest}");
        }
    }
}
