using System.Net;
using Speedy.Registry.Tests.Support;
using Speedy.Storage.Filesystem;
using Speedy.Storage.Memory;

namespace Speedy.Registry.Tests;

/// <summary>Requests racing on one upload session.</summary>
public sealed class ConcurrencyTests
{
    private const string Name = "race/repo";

    [Theory]
    [InlineData("PATCH")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task SecondRequest_WhileAPatchIsStreaming_IsRefusedAndTheUploadStaysConsistent(string method)
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(300_000, 1);
        var digest = Oci.Sha256(data);
        var location = await Oci.StartUploadAsync(registry.Client, Name);

        var gate = new GatedContent(data.AsMemory(0, 200_000), 100_000);
        using var firstRequest = new HttpRequestMessage(HttpMethod.Patch, location) { Content = gate };
        var first = registry.Client.SendAsync(firstRequest, Oci.Token);
        await gate.HalfSent.WaitAsync(Oci.Token);

        using (var second = new HttpRequestMessage(new HttpMethod(method), method == "PUT" ? Oci.WithQuery(location, "digest=" + digest) : location))
        {
            if (method != "DELETE")
            {
                second.Content = Oci.Octets(data, 0, 200_000);
            }

            using var refused = await registry.Client.SendAsync(second, Oci.Token);
            Assert.InRange((int)refused.StatusCode, 400, 499);
            await Oci.AssertErrorAsync(refused, refused.StatusCode, null);
        }

        gate.Release();
        using (var firstResponse = await first)
        {
            Assert.Equal(HttpStatusCode.Accepted, firstResponse.StatusCode);
            Assert.Equal("0-199999", Oci.Header(firstResponse, "Range"));
        }

        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
        location = await UploadEndpointTests.PatchAsync(registry.Client, location, data, 200_000, 100_000, withRange: true);
        using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + digest), null, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ConcurrentPatches_OnTwoReplicas_OneIsRefused_AndNoDigestPublishesOtherBytes(bool putTheAcceptedChunksDigest)
    {
        var driver = new MemoryStorageDriver();
        await using var a = await TestRegistry.StartAsync(driver);
        await using var b = await TestRegistry.StartAsync(driver);
        var first = Oci.RandomBytes(200_000, 2);
        var second = Oci.RandomBytes(200_000, 3);
        var location = await Oci.StartUploadAsync(a.Client, Name);

        var gate = new GatedContent(first, 100_000);
        using var firstRequest = new HttpRequestMessage(HttpMethod.Patch, location) { Content = gate };
        var firstResponse = a.Client.SendAsync(firstRequest, Oci.Token);
        await gate.HalfSent.WaitAsync(Oci.Token);
        using (var patch = new HttpRequestMessage(HttpMethod.Patch, location) { Content = Oci.Octets(second) })
        using (var refused = await b.Client.SendAsync(patch, Oci.Token))
        {
            await Oci.AssertErrorAsync(refused, HttpStatusCode.RequestedRangeNotSatisfiable, "RANGE_INVALID");
            Assert.Equal("0-0", Oci.Header(refused, "Range"));
            Assert.NotNull(Oci.Header(refused, "Location"));
        }

        gate.Release();
        using (var accepted = await firstResponse)
        {
            Assert.Equal(HttpStatusCode.Accepted, accepted.StatusCode);
            Assert.Equal("0-199999", Oci.Header(accepted, "Range"));
        }

        var digest = Oci.Sha256(putTheAcceptedChunksDigest ? first : second);
        using var put = await b.Client.PutAsync(Oci.WithQuery(location, "digest=" + digest), null, Oci.Token);
        if (putTheAcceptedChunksDigest)
        {
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.Equal(first, await a.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
        }
        else
        {
            await Oci.AssertErrorAsync(put, HttpStatusCode.BadRequest, "DIGEST_INVALID");
            using var get = await a.Client.GetAsync($"/v2/{Name}/blobs/{digest}", Oci.Token);
            await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
        }

        foreach (var blob in await Oci.ListFilesAsync(driver, "/blobs"))
        {
            var content = await driver.GetContentAsync(blob, Oci.Token);
            Assert.EndsWith(Oci.Sha256(content)["sha256:".Length..] + "/data", blob, StringComparison.Ordinal);
        }

        Assert.Empty(await Oci.ListFilesAsync(driver, $"/repositories/{Name}/_uploads"));
    }

    [Theory]
    [InlineData("PATCH")]
    [InlineData("PUT")]
    [InlineData("DELETE")]
    public async Task SecondRequest_ThroughAnotherReplicaOnTheSameFilesystem_WhileAPatchIsStreaming_IsRefusedLikeOnTheSameReplica(string method)
    {
        var root = Directory.CreateTempSubdirectory("speedy-replicas-");
        try
        {
            // Two drivers over one directory, as two replica processes have: only the writer lock in storage links them.
            await using var a = await TestRegistry.StartAsync(new FilesystemStorageDriver(root.FullName));
            await using var b = await TestRegistry.StartAsync(new FilesystemStorageDriver(root.FullName));
            var data = Oci.RandomBytes(300_000, 4);
            var digest = Oci.Sha256(data);
            var location = await Oci.StartUploadAsync(a.Client, Name);
            location = await UploadEndpointTests.PatchAsync(a.Client, location, data, 0, 50_000, withRange: true);

            var gate = new GatedContent(data.AsMemory(50_000, 150_000), 100_000);
            using var firstRequest = new HttpRequestMessage(HttpMethod.Patch, location) { Content = gate };
            firstRequest.Content.Headers.TryAddWithoutValidation("Content-Range", "50000-199999");
            var first = a.Client.SendAsync(firstRequest, Oci.Token);
            await gate.HalfSent.WaitAsync(Oci.Token);

            using (var second = new HttpRequestMessage(new HttpMethod(method), method == "PUT" ? Oci.WithQuery(location, "digest=" + digest) : location))
            {
                if (method != "DELETE")
                {
                    second.Content = Oci.Octets(data, 50_000, 150_000);
                }

                using var refused = await b.Client.SendAsync(second, Oci.Token);
                if (method == "DELETE")
                {
                    await Oci.AssertErrorAsync(refused, HttpStatusCode.Conflict, "BLOB_UPLOAD_INVALID");
                }
                else
                {
                    await Oci.AssertErrorAsync(refused, HttpStatusCode.RequestedRangeNotSatisfiable, "RANGE_INVALID");
                    Assert.Equal("0-49999", Oci.Header(refused, "Range"));
                    Assert.Contains("_state=", Oci.Header(refused, "Location"), StringComparison.Ordinal);
                }
            }

            gate.Release();
            using (var firstResponse = await first)
            {
                Assert.Equal(HttpStatusCode.Accepted, firstResponse.StatusCode);
                Assert.Equal("0-199999", Oci.Header(firstResponse, "Range"));
            }

            Assert.False(Directory.Exists(Path.Combine(root.FullName, "blobs")));
            location = await UploadEndpointTests.PatchAsync(b.Client, location, data, 200_000, 50_000, withRange: true);
            using var put = await b.Client.PutAsync(Oci.WithQuery(location, "digest=" + digest), Oci.Octets(data, 250_000), Oci.Token);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
            Assert.Equal(data, await a.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
            Assert.Empty(await Oci.ListFilesAsync(a.Driver, $"/repositories/{Name}/_uploads"));
        }
        finally
        {
            root.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ManyUploads_InParallel_AllComplete()
    {
        await using var registry = await TestRegistry.StartAsync();
        var tasks = new Task[16];
        for (var i = 0; i < tasks.Length; i++)
        {
            var seed = i;
            tasks[i] = Task.Run(
                async () =>
                {
                    var data = Oci.RandomBytes(100_000 + seed, seed);
                    var location = await Oci.StartUploadAsync(registry.Client, Name);
                    location = await UploadEndpointTests.PatchAsync(registry.Client, location, data, 0, 50_000, withRange: true);
                    using var put = await registry.Client.PutAsync(Oci.WithQuery(location, "digest=" + Oci.Sha256(data)), Oci.Octets(data, 50_000), Oci.Token);
                    Assert.Equal(HttpStatusCode.Created, put.StatusCode);
                },
                Oci.Token);
        }

        await Task.WhenAll(tasks);
        Assert.Equal(16, (await Oci.ListFilesAsync(registry.Driver, "/blobs")).Count);
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, $"/repositories/{Name}/_uploads"));
    }

    [Fact]
    public async Task SameBlob_UploadedInParallel_IsStoredOnce()
    {
        await using var registry = await TestRegistry.StartAsync();
        var data = Oci.RandomBytes(200_000, 99);
        var tasks = new Task[8];
        for (var i = 0; i < tasks.Length; i++)
        {
            tasks[i] = Oci.PushBlobAsync(registry.Client, Name, data);
        }

        await Task.WhenAll(tasks);
        Assert.Single(await Oci.ListFilesAsync(registry.Driver, "/blobs"));
        Assert.Equal(data, await registry.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{Oci.Sha256(data)}", Oci.Token));
    }

    /// <summary>Sends the first part of its bytes, then waits for <see cref="Release"/> before sending the rest.</summary>
    private sealed class GatedContent(ReadOnlyMemory<byte> data, int firstPart) : HttpContent
    {
        private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public SemaphoreSlim HalfSent { get; } = new(0, 1);

        public void Release() => _released.TrySetResult();

        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            await stream.WriteAsync(data[..firstPart], Oci.Token);
            await stream.FlushAsync(Oci.Token);
            HalfSent.Release();
            await _released.Task.WaitAsync(Oci.Token);
            await stream.WriteAsync(data[firstPart..], Oci.Token);
        }

        protected override bool TryComputeLength(out long length)
        {
            length = data.Length;
            return true;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                HalfSent.Dispose();
            }

            base.Dispose(disposing);
        }
    }
}
