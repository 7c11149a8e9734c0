using System.Globalization;
using System.Net;
using System.Security.Cryptography;

namespace Speedy.LoadTest;

/// <summary>Blob uploads (monolithic and chunked) and blob reads.</summary>
internal sealed partial class RegistryClient
{
    /// <summary><c>POST</c> an upload, then one <c>PUT ?digest=</c> with the whole blob.</summary>
    public async Task PushMonolithicAsync(string repository, Blob blob, StepRecorder recorder, CancellationToken cancellationToken)
    {
        var location = await StartUploadAsync(repository, recorder, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Put, WithDigest(location, blob.Digest))
        {
            Content = new BlobContent(blob, 0, blob.Length, recorder),
        };
        await CompleteUploadAsync(request, blob.Digest, recorder, cancellationToken);
    }

    /// <summary><c>POST</c> an upload, a <c>PATCH</c> with <c>Content-Range</c> per chunk, then an empty <c>PUT ?digest=</c>.</summary>
    public async Task PushChunkedAsync(string repository, Blob blob, long chunkSize, StepRecorder recorder, CancellationToken cancellationToken)
    {
        var location = await StartUploadAsync(repository, recorder, cancellationToken);
        for (long offset = 0; offset < blob.Length; offset += chunkSize)
        {
            var length = Math.Min(chunkSize, blob.Length - offset);
            var last = offset + length - 1;
            using var request = new HttpRequestMessage(HttpMethod.Patch, location)
            {
                Content = new BlobContent(blob, offset, length, recorder),
            };
            request.Content.Headers.TryAddWithoutValidation("Content-Range", string.Create(CultureInfo.InvariantCulture, $"{offset}-{last}"));
            using var response = await SendAsync(request, recorder, cancellationToken);
            if (response.StatusCode != HttpStatusCode.Accepted)
            {
                throw await UnexpectedAsync(request, response, cancellationToken);
            }

            var range = Header(response, "Range");
            if (range is not null && range != string.Create(CultureInfo.InvariantCulture, $"0-{last}"))
            {
                throw Wrong(request, $"Range {range} after a chunk that ends at byte {last}");
            }

            location = Location(request, response);
        }

        using var put = new HttpRequestMessage(HttpMethod.Put, WithDigest(location, blob.Digest));
        await CompleteUploadAsync(put, blob.Digest, recorder, cancellationToken);
    }

    /// <summary>A small blob (an image config) pushed monolithically from memory.</summary>
    public async Task PushBytesAsync(string repository, ReadOnlyMemory<byte> bytes, string digest, StepRecorder recorder, CancellationToken cancellationToken)
    {
        var location = await StartUploadAsync(repository, recorder, cancellationToken);
        using var request = new HttpRequestMessage(HttpMethod.Put, WithDigest(location, digest)) { Content = new ReadOnlyMemoryContent(bytes) };
        request.Content.Headers.TryAddWithoutValidation("Content-Type", "application/octet-stream");
        await CompleteUploadAsync(request, digest, recorder, cancellationToken);
        recorder.AddBytes(bytes.Length);
    }

    /// <summary><c>HEAD</c> a blob, as a client does before it uploads one: true if the registry has it.</summary>
    public async Task<bool> BlobExistsAsync(string repository, Blob blob, StepRecorder recorder, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Head, BlobUri(repository, blob.Digest));
        using var response = await SendAsync(request, recorder, cancellationToken);
        return response.StatusCode switch
        {
            HttpStatusCode.OK => true,
            HttpStatusCode.NotFound => false,
            _ => throw await UnexpectedAsync(request, response, cancellationToken),
        };
    }

    /// <summary>
    /// <c>GET</c> a blob, reading the body through <paramref name="buffer"/> over and over, so no body is held whole.
    /// Checks the length always; with <paramref name="hash"/> also the SHA-256 against <paramref name="sha256"/>.
    /// </summary>
    public async Task GetBlobAsync(Uri uri, long length, byte[] sha256, byte[] buffer, IncrementalHash? hash, StepRecorder recorder, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, uri);
        using var response = await SendAsync(request, recorder, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw await UnexpectedAsync(request, response, cancellationToken);
        }

        if (response.Content.Headers.ContentLength is { } announced && announced != length)
        {
            throw Wrong(request, $"Content-Length {announced}, expected {length}");
        }

        long total = 0;
        try
        {
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            int read;
            while ((read = await body.ReadAsync(buffer, cancellationToken)) > 0)
            {
                hash?.AppendData(buffer, 0, read);
                total += read;
                recorder.AddBytes(read);
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw new RegistryException($"{Describe(request)}: body broke off after {total} bytes: {Innermost(ex)}", ex);
        }

        if (total != length)
        {
            throw Wrong(request, $"{total} bytes, expected {length}");
        }

        if (hash is not null && !HashMatches(hash, sha256))
        {
            throw Wrong(request, "the body's SHA-256 is not the blob's digest");
        }
    }

    private static bool HashMatches(IncrementalHash hash, byte[] sha256)
    {
        Span<byte> actual = stackalloc byte[SHA256.HashSizeInBytes];
        return hash.TryGetHashAndReset(actual, out var written) && actual[..written].SequenceEqual(sha256);
    }

    private async Task<Uri> StartUploadAsync(string repository, StepRecorder recorder, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_registry, $"/v2/{repository}/blobs/uploads/"));
        using var response = await SendAsync(request, recorder, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Accepted)
        {
            throw await UnexpectedAsync(request, response, cancellationToken);
        }

        return Location(request, response);
    }

    /// <summary>Sends the final <c>PUT ?digest=</c>: 201 with the digest in <c>Docker-Content-Digest</c>.</summary>
    private async Task CompleteUploadAsync(HttpRequestMessage request, string digest, StepRecorder recorder, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(request, recorder, cancellationToken);
        if (response.StatusCode != HttpStatusCode.Created)
        {
            throw await UnexpectedAsync(request, response, cancellationToken);
        }

        CheckDigest(request, response, digest);
    }
}
