using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>
/// One blob upload spread over two `speedy registry` replicas on the same --data directory, as behind a load
/// balancer: the upload's identity travels in its signed Location (`_state`), so any replica can continue it.
/// </summary>
public sealed class ReplicaUploadTests(ITestOutputHelper output)
{
    private const string Repository = "replicas/upload";

    [Fact]
    public async Task ChunkedUpload_StartedOnOneReplica_ContinuesAndFinishesOnTheOther()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("replicas-upload");
        var data = temp.CreateSubdirectory("data");
        await using var a = await RegistryProcess.StartRegistryAsync(data, output, cancellationToken);
        await using var b = await RegistryProcess.StartRegistryAsync(data, output, cancellationToken);
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();

        var blob = RandomNumberGenerator.GetBytes((3 * 1024 * 1024) + 12_345);
        var firstChunk = (1024 * 1024) + 7;
        var digest = OciLayout.Sha256Digest(blob);

        using var started = await clientA.PostAsync($"v2/{Repository}/blobs/uploads/", content: null, cancellationToken);
        await RegistryApi.ExpectStatusAsync(started, HttpStatusCode.Accepted, cancellationToken);
        var location = RegistryApi.UploadPath(started);
        Assert.Contains("_state=", location, StringComparison.Ordinal);

        using var patchA = RegistryApi.Request(HttpMethod.Patch, location);
        patchA.Content = RegistryApi.Chunk(blob, 0, firstChunk);
        using var patchedA = await clientA.SendAsync(patchA, cancellationToken);
        await RegistryApi.ExpectStatusAsync(patchedA, HttpStatusCode.Accepted, cancellationToken);
        Assert.Equal($"0-{firstChunk - 1}", RegistryApi.Header(patchedA, "Range"));
        location = RegistryApi.UploadPath(patchedA);

        using var patchB = RegistryApi.Request(HttpMethod.Patch, location);
        patchB.Content = RegistryApi.Chunk(blob, firstChunk, blob.Length - firstChunk);
        using var patchedB = await clientB.SendAsync(patchB, cancellationToken);
        await RegistryApi.ExpectStatusAsync(patchedB, HttpStatusCode.Accepted, cancellationToken);
        Assert.Equal($"0-{blob.Length - 1}", RegistryApi.Header(patchedB, "Range"));
        location = RegistryApi.UploadPath(patchedB);

        using var status = await clientB.SendAsync(RegistryApi.Request(HttpMethod.Get, location), cancellationToken);
        await RegistryApi.ExpectStatusAsync(status, HttpStatusCode.NoContent, cancellationToken);
        Assert.Equal($"0-{blob.Length - 1}", RegistryApi.Header(status, "Range"));

        using var put = RegistryApi.Request(HttpMethod.Put, RegistryApi.WithDigest(location, digest));
        using var finished = await clientB.SendAsync(put, cancellationToken);
        await RegistryApi.ExpectStatusAsync(finished, HttpStatusCode.Created, cancellationToken);
        Assert.Equal(digest, RegistryApi.Header(finished, "Docker-Content-Digest"));

        var fromA = await RegistryApi.GetBlobAsync(clientA, Repository, digest, cancellationToken);
        Assert.True(blob.AsSpan().SequenceEqual(fromA), "The blob read from replica A differs from what was uploaded across A and B.");

        // A manifest pushed on B over that blob is readable, by tag and by digest, on A.
        var config = Encoding.UTF8.GetBytes(
            $$$"""{"architecture":"amd64","os":"linux","rootfs":{"type":"layers","diff_ids":["{{{digest}}}"]}}""");
        var configDigest = await RegistryApi.PushBlobAsync(clientB, Repository, config, cancellationToken);
        var manifest = RegistryApi.ImageManifest(configDigest, config.Length, digest, blob.Length);
        var manifestDigest = await RegistryApi.PutManifestAsync(clientB, Repository, "v1", OciLayout.ManifestMediaType, manifest, cancellationToken);

        foreach (var reference in new[] { "v1", manifestDigest })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{Repository}/manifests/{reference}");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OciLayout.ManifestMediaType));
            using var response = await clientA.SendAsync(request, cancellationToken);
            await RegistryApi.ExpectStatusAsync(response, HttpStatusCode.OK, cancellationToken);
            Assert.Equal(OciLayout.ManifestMediaType, response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(manifestDigest, RegistryApi.Header(response, "Docker-Content-Digest"));
            Assert.Equal(manifest, await response.Content.ReadAsByteArrayAsync(cancellationToken));
        }

        Assert.Contains("v1", await RegistryApi.ListTagsAsync(clientA, Repository, cancellationToken));
    }

    [Theory]
    [InlineData(StateTampering.MiddleCharacterChanged)]
    [InlineData(StateTampering.LastCharacterChanged)]
    [InlineData(StateTampering.LastCharacterDropped)]
    [InlineData(StateTampering.CharacterAppended)]
    [InlineData(StateTampering.NotBase64)]
    [InlineData(StateTampering.Empty)]
    public async Task UploadLocation_WithTamperedState_IsRefusedWithAClientErrorOnEitherReplica(StateTampering tampering)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("replicas-tamper");
        var data = temp.CreateSubdirectory("data");
        await using var a = await RegistryProcess.StartRegistryAsync(data, output, cancellationToken);
        await using var b = await RegistryProcess.StartRegistryAsync(data, output, cancellationToken);
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();
        var blob = RandomNumberGenerator.GetBytes(200_000);

        using var started = await clientA.PostAsync($"v2/{Repository}/blobs/uploads/", content: null, cancellationToken);
        await RegistryApi.ExpectStatusAsync(started, HttpStatusCode.Accepted, cancellationToken);
        using var patch = RegistryApi.Request(HttpMethod.Patch, RegistryApi.UploadPath(started));
        patch.Content = RegistryApi.Chunk(blob, 0, 100_000);
        using var patched = await clientA.SendAsync(patch, cancellationToken);
        await RegistryApi.ExpectStatusAsync(patched, HttpStatusCode.Accepted, cancellationToken);
        var location = RegistryApi.UploadPath(patched);
        var tampered = TamperWithState(location, tampering);
        output.WriteLine($"Location: {location}{Environment.NewLine}Tampered: {tampered}");

        foreach (var client in new[] { clientA, clientB })
        {
            using var status = await client.SendAsync(RegistryApi.Request(HttpMethod.Get, tampered), cancellationToken);
            await ExpectClientErrorAsync(status, cancellationToken);

            using var tamperedPatch = RegistryApi.Request(HttpMethod.Patch, tampered);
            tamperedPatch.Content = RegistryApi.Chunk(blob, 100_000, 100_000);
            using var refusedPatch = await client.SendAsync(tamperedPatch, cancellationToken);
            await ExpectClientErrorAsync(refusedPatch, cancellationToken);

            using var tamperedPut = RegistryApi.Request(HttpMethod.Put, RegistryApi.WithDigest(tampered, OciLayout.Sha256Digest(blob)));
            tamperedPut.Content = new ByteArrayContent(blob, 100_000, 100_000);
            tamperedPut.Content.Headers.ContentType = new MediaTypeHeaderValue(RegistryApi.OctetStream);
            using var refusedPut = await client.SendAsync(tamperedPut, cancellationToken);
            await ExpectClientErrorAsync(refusedPut, cancellationToken);
        }

        // The refusals were about the state alone: the genuine Location still finishes the upload on B.
        using var put = RegistryApi.Request(HttpMethod.Put, RegistryApi.WithDigest(location, OciLayout.Sha256Digest(blob)));
        put.Content = new ByteArrayContent(blob, 100_000, 100_000);
        put.Content.Headers.ContentType = new MediaTypeHeaderValue(RegistryApi.OctetStream);
        using var finished = await clientB.SendAsync(put, cancellationToken);
        await RegistryApi.ExpectStatusAsync(finished, HttpStatusCode.Created, cancellationToken);
        Assert.Equal(blob, await RegistryApi.GetBlobAsync(clientA, Repository, OciLayout.Sha256Digest(blob), cancellationToken));
    }

    /// <summary>
    /// Two different chunks for the same range, sent through A and B at the same moment: exactly one is accepted,
    /// and then a PUT with the digest of either chunk (<paramref name="digestOfChunkThroughB"/> picks which) either
    /// fails or publishes bytes that really have that digest. Before writers were exclusive across processes, both
    /// PATCHes wrote over each other in place while each saved the hash of its own bytes, so a digest could publish
    /// bytes that do not match it.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SimultaneousPatchesOfOneUploadThroughBothReplicas_ExactlyOneIsAccepted_AndNoDigestPublishesOtherBytes(bool digestOfChunkThroughB)
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("replicas-patch-race");
        var data = temp.CreateSubdirectory("data");
        await using var a = await RegistryProcess.StartRegistryAsync(data, output, cancellationToken);
        await using var b = await RegistryProcess.StartRegistryAsync(data, output, cancellationToken);
        using var clientA = a.CreateClient();
        using var clientB = b.CreateClient();

        // A chunked upload through each replica first, so neither is still compiling its upload path when the two
        // PATCHes arrive: the race is then between the requests, not between the processes' start-ups.
        await ChunkedUploadAsync(clientA, RandomNumberGenerator.GetBytes(1000), cancellationToken);
        await ChunkedUploadAsync(clientB, RandomNumberGenerator.GetBytes(1000), cancellationToken);

        using var started = await clientA.PostAsync($"v2/{Repository}/blobs/uploads/", content: null, cancellationToken);
        await RegistryApi.ExpectStatusAsync(started, HttpStatusCode.Accepted, cancellationToken);
        var location = RegistryApi.UploadPath(started);

        // Two different chunks for the same range 0-(n-1), sent through A and B at once; each pauses halfway
        // until the other is also halfway, so both are being written when either could commit.
        const int ChunkLength = 64 * 1024;
        var chunks = new[] { RandomNumberGenerator.GetBytes(ChunkLength), RandomNumberGenerator.GetBytes(ChunkLength) };
        var bothHalfway = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var contents = chunks.Select(chunk => new PausingContent(chunk, bothHalfway.Task, TimeSpan.FromSeconds(5))).ToArray();
        _ = Task.WhenAll(contents.Select(c => c.FirstHalfSent)).ContinueWith(
            _ => bothHalfway.TrySetResult(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        var requests = new HttpRequestMessage[2];
        for (var i = 0; i < 2; i++)
        {
            contents[i].Headers.ContentType = new MediaTypeHeaderValue(RegistryApi.OctetStream);
            contents[i].Headers.TryAddWithoutValidation("Content-Range", $"0-{ChunkLength - 1}");
            requests[i] = RegistryApi.Request(HttpMethod.Patch, location);
            requests[i].Content = contents[i];
        }

        var responses = await Task.WhenAll(clientA.SendAsync(requests[0], cancellationToken), clientB.SendAsync(requests[1], cancellationToken));
        try
        {
            var codes = responses.Select(r => (int)r.StatusCode).ToArray();
            output.WriteLine($"PATCH through A answered {codes[0]}, through B {codes[1]}.");
            var accepted = Array.FindAll(responses, r => r.StatusCode == HttpStatusCode.Accepted);
            Assert.True(accepted.Length == 1, $"Expected exactly one PATCH of the same range to be accepted; got {codes[0]} and {codes[1]}.");
            var loser = responses[0] == accepted[0] ? responses[1] : responses[0];
            Assert.True(loser.StatusCode == HttpStatusCode.RequestedRangeNotSatisfiable, $"The other PATCH answered {(int)loser.StatusCode}; expected 416.");
            Assert.NotNull(RegistryApi.Header(loser, "Range"));

            var winner = Array.IndexOf(responses, accepted[0]);
            using var status = await clientB.SendAsync(RegistryApi.Request(HttpMethod.Get, location), cancellationToken);
            await RegistryApi.ExpectStatusAsync(status, HttpStatusCode.NoContent, cancellationToken);
            Assert.Equal($"0-{ChunkLength - 1}", RegistryApi.Header(status, "Range"));

            var candidate = digestOfChunkThroughB ? 1 : 0;
            var digest = OciLayout.Sha256Digest(chunks[candidate]);
            using var put = RegistryApi.Request(HttpMethod.Put, RegistryApi.WithDigest(location, digest));
            using var finished = await clientA.SendAsync(put, cancellationToken);
            output.WriteLine($"PUT with the digest of the chunk sent through {(digestOfChunkThroughB ? "B" : "A")} answered {(int)finished.StatusCode}.");
            using var get = await clientB.GetAsync($"v2/{Repository}/blobs/{digest}", cancellationToken);
            if (finished.StatusCode == HttpStatusCode.Created)
            {
                await RegistryApi.ExpectStatusAsync(get, HttpStatusCode.OK, cancellationToken);
                var published = await get.Content.ReadAsByteArrayAsync(cancellationToken);
                Assert.Equal(digest, OciLayout.Sha256Digest(published));
            }
            else
            {
                Assert.True((int)finished.StatusCode is >= 400 and < 500, $"The PUT answered {(int)finished.StatusCode}; expected 201 or a 4xx.");
                await RegistryApi.ExpectStatusAsync(get, HttpStatusCode.NotFound, cancellationToken);
            }

            // The accepted chunk is what the session holds, so its digest completes the upload and no other does.
            Assert.Equal(candidate == winner ? HttpStatusCode.Created : HttpStatusCode.BadRequest, finished.StatusCode);
            AssertEveryStoredBlobMatchesItsDigest(data);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }

            foreach (var request in requests)
            {
                request.Dispose();
            }
        }
    }

    /// <summary>POST, one PATCH with a Content-Range, then PUT with the digest.</summary>
    private static async Task ChunkedUploadAsync(HttpClient client, byte[] blob, CancellationToken cancellationToken)
    {
        using var started = await client.PostAsync($"v2/{Repository}/blobs/uploads/", content: null, cancellationToken);
        await RegistryApi.ExpectStatusAsync(started, HttpStatusCode.Accepted, cancellationToken);
        using var patch = RegistryApi.Request(HttpMethod.Patch, RegistryApi.UploadPath(started));
        patch.Content = RegistryApi.Chunk(blob, 0, blob.Length);
        using var patched = await client.SendAsync(patch, cancellationToken);
        await RegistryApi.ExpectStatusAsync(patched, HttpStatusCode.Accepted, cancellationToken);
        using var put = RegistryApi.Request(HttpMethod.Put, RegistryApi.WithDigest(RegistryApi.UploadPath(patched), OciLayout.Sha256Digest(blob)));
        using var finished = await client.SendAsync(put, cancellationToken);
        await RegistryApi.ExpectStatusAsync(finished, HttpStatusCode.Created, cancellationToken);
    }

    /// <summary>Every file in the data directory's blob store holds bytes whose SHA-256 is the name of its directory.</summary>
    private static void AssertEveryStoredBlobMatchesItsDigest(string dataDirectory)
    {
        var store = Path.Combine(dataDirectory, "registry", "blobs", "sha256");
        foreach (var file in Directory.EnumerateFiles(store, "data", SearchOption.AllDirectories))
        {
            var hex = Path.GetFileName(Path.GetDirectoryName(file));
            Assert.Equal("sha256:" + hex, OciLayout.Sha256Digest(File.ReadAllBytes(file)));
        }
    }

    /// <summary>Replaces the `_state` value of an upload location according to <paramref name="tampering"/>.</summary>
    private static string TamperWithState(string location, StateTampering tampering)
    {
        var start = location.IndexOf("_state=", StringComparison.Ordinal);
        Assert.True(start >= 0, $"No _state in '{location}'.");
        start += "_state=".Length;
        var end = location.IndexOf('&', start);
        if (end < 0)
        {
            end = location.Length;
        }

        var state = location[start..end];
        Assert.True(state.Length >= 4, $"The _state of '{location}' is too short to tamper with meaningfully.");
        var tampered = tampering switch
        {
            StateTampering.MiddleCharacterChanged => ChangeMiddleCharacter(state),
            // In unpadded base64 the last character also carries unused bits: this may make the value non-canonical.
            StateTampering.LastCharacterChanged => state[..^1] + (state[^1] == 'B' ? 'C' : 'B'),
            StateTampering.LastCharacterDropped => state[..^1],
            StateTampering.CharacterAppended => state + "A",
            StateTampering.NotBase64 => "!!!!",
            StateTampering.Empty => "",
            _ => throw new ArgumentOutOfRangeException(nameof(tampering), tampering, null),
        };
        Assert.NotEqual(state, tampered);
        return string.Concat(location.AsSpan(0, start), tampered, location.AsSpan(end));
    }

    /// <summary>Changes one alphanumeric character in the middle (never inside a %XX escape).</summary>
    private static string ChangeMiddleCharacter(string state)
    {
        for (var i = state.Length / 2; i < state.Length; i++)
        {
            var escaped = state[i - 1] == '%' || (i >= 2 && state[i - 2] == '%');
            if (char.IsAsciiLetterOrDigit(state[i]) && !escaped)
            {
                var replacement = state[i] == 'A' ? 'B' : 'A';
                return string.Concat(state.AsSpan(0, i), replacement.ToString(), state.AsSpan(i + 1));
            }
        }

        throw new InvalidOperationException($"No character to change in the middle of _state '{state}'.");
    }

    private static async Task ExpectClientErrorAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var code = (int)response.StatusCode;
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(
            code is >= 400 and < 500,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} with a tampered _state answered {code}; expected a 4xx.{Environment.NewLine}Body: {body}");

        // Every error body is the distribution spec's JSON: {"errors":[{"code":..,"message":..}]}.
        using var document = JsonDocument.Parse(body);
        var errors = document.RootElement.GetProperty("errors");
        Assert.True(errors.GetArrayLength() > 0, $"Empty errors array: {body}");
        Assert.False(string.IsNullOrEmpty(errors[0].GetProperty("code").GetString()), $"Error without a code: {body}");
    }
}
