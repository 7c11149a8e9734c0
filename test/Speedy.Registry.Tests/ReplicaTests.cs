using System.Net;
using Speedy.Registry.Tests.Support;
using Speedy.Storage.Memory;

namespace Speedy.Registry.Tests;

/// <summary>Two registry instances over one storage driver, as two replicas over shared storage.</summary>
public sealed class ReplicaTests
{
    private const string Name = "replicated/repo";

    [Fact]
    public async Task Upload_StartedOnOneReplica_IsContinuedAndCompletedOnAnother()
    {
        var driver = new MemoryStorageDriver();
        await using var a = await TestRegistry.StartAsync(driver);
        await using var b = await TestRegistry.StartAsync(driver);
        var data = Oci.RandomBytes(2_500_000, 1);
        var digest = Oci.Sha256(data);

        var location = await Oci.StartUploadAsync(a.Client, Name);
        location = await UploadEndpointTests.PatchAsync(a.Client, location, data, 0, 1_000_000, withRange: true);
        Assert.Equal("0-999999", await UploadEndpointTests.StatusRangeAsync(b.Client, location));
        location = await UploadEndpointTests.PatchAsync(b.Client, location, data, 1_000_000, 1_000_000, withRange: true);
        location = await UploadEndpointTests.PatchAsync(a.Client, location, data, 2_000_000, 250_000, withRange: false);
        var last = Oci.Octets(data, 2_250_000);
        using var put = await b.Client.PutAsync(Oci.WithQuery(location, "digest=" + digest), last, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);

        Assert.Equal(data, await a.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
        Assert.Equal(data, await b.Client.GetByteArrayAsync($"/v2/{Name}/blobs/{digest}", Oci.Token));
        Assert.Empty(await Oci.ListFilesAsync(driver, $"/repositories/{Name}/_uploads"));
    }

    [Fact]
    public async Task Upload_StartedOnOneReplica_IsCompletedOnAnotherInOnePut()
    {
        var driver = new MemoryStorageDriver();
        await using var a = await TestRegistry.StartAsync(driver);
        await using var b = await TestRegistry.StartAsync(driver);
        var data = Oci.RandomBytes(10_000, 2);
        var location = await Oci.StartUploadAsync(a.Client, Name);
        using var put = await b.Client.PutAsync(Oci.WithQuery(location, "digest=" + Oci.Sha256(data)), Oci.Octets(data), Oci.Token);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
    }

    [Fact]
    public async Task Upload_CancelledOnOneReplica_IsUnknownOnAnother()
    {
        var driver = new MemoryStorageDriver();
        await using var a = await TestRegistry.StartAsync(driver);
        await using var b = await TestRegistry.StartAsync(driver);
        var location = await Oci.StartUploadAsync(a.Client, Name);
        using (var delete = await b.Client.DeleteAsync(location, Oci.Token))
        {
            Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
        }

        using var status = await a.Client.GetAsync(location, Oci.Token);
        await Oci.AssertErrorAsync(status, HttpStatusCode.NotFound, "BLOB_UPLOAD_UNKNOWN");
    }

    [Fact]
    public async Task ImagePushedToOneReplica_IsServedByAnother()
    {
        var driver = new MemoryStorageDriver();
        await using var a = await TestRegistry.StartAsync(driver);
        await using var b = await TestRegistry.StartAsync(driver);
        var (body, digest) = await Oci.PushImageAsync(a.Client, Name, "latest");
        using var get = await b.Client.GetAsync($"/v2/{Name}/manifests/latest", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(digest, Oci.Header(get, "Docker-Content-Digest"));
        Assert.Equal(body, await get.Content.ReadAsByteArrayAsync(Oci.Token));
        Assert.Equal(["latest"], await TagListTests.ListTagsAsync(b.Client, Name));
    }

    [Fact]
    public async Task ManifestDeletedOnOneReplica_IsGoneOnAnotherThatServedIt()
    {
        var driver = new MemoryStorageDriver();
        await using var a = await TestRegistry.StartAsync(driver);
        await using var b = await TestRegistry.StartAsync(driver);
        var (_, digest) = await Oci.PushImageAsync(a.Client, Name, "latest");
        using (var first = await b.Client.GetAsync($"/v2/{Name}/manifests/{digest}", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        using (var delete = await a.Client.DeleteAsync($"/v2/{Name}/manifests/{digest}", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        using var get = await b.Client.GetAsync($"/v2/{Name}/manifests/{digest}", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "MANIFEST_UNKNOWN");
    }

    [Fact]
    public async Task RepositoryCreatedThroughOneReplica_IsInTheOthersCatalog()
    {
        var driver = new MemoryStorageDriver();
        await using var a = await TestRegistry.StartAsync(driver);
        await using var b = await TestRegistry.StartAsync(driver);
        await Oci.PushBlobAsync(a.Client, "first", [1]);
        await Oci.PushBlobAsync(b.Client, "second", [2]);
        var seen = await TagListTests.FollowAsync(a.Client, "/v2/_catalog?n=1", "repositories", 1);
        Assert.Equal(["first", "second"], seen);
    }
}
