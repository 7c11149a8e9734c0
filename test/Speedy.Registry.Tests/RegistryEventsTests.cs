using System.Collections.Concurrent;
using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Speedy.Registry.Core;
using Speedy.Registry.Events;
using Speedy.Registry.Tests.Support;
using Speedy.Testing;

namespace Speedy.Registry.Tests;

/// <summary>What the registry tells its <see cref="IRegistryEvents"/> sink, with the subject of each request.</summary>
public sealed class RegistryEventsTests : IDisposable
{
    private const string Name = "team/app";
    private readonly TestTokenIssuer _issuer = new();

    public void Dispose() => _issuer.Dispose();

    [Fact]
    public async Task PushPullAndDeletes_AreReportedWithTheTokensSubject()
    {
        var sink = new RecordingEvents();
        await using var registry = await TokenRegistry.StartAsync(_issuer, services => services.AddSingleton<IRegistryEvents>(sink));
        using var alice = TokenRegistry.Client(registry, _issuer.Issue("alice", $"repository:{Name}:*"));
        var (body, digest) = await Oci.PushImageAsync(alice, Name, "v1");
        var pushed = Assert.IsType<ManifestPushedEvent>(Assert.Single(sink.Events));
        Assert.Equal((Name, "v1", Digest.Parse(digest), Oci.OciManifest, (long)body.Length, "alice"), (pushed.Repository, pushed.Tag, pushed.Digest, pushed.MediaType, pushed.Size, pushed.Subject));

        using var anonymous = TokenRegistry.Client(registry, _issuer.Issue(null, $"repository:{Name}:pull"));
        using (var head = new HttpRequestMessage(HttpMethod.Head, $"/v2/{Name}/manifests/v1"))
        using (var response = await anonymous.SendAsync(head, Oci.Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        await anonymous.GetByteArrayAsync($"/v2/{Name}/manifests/v1", Oci.Token);
        var pulled = Assert.IsType<ManifestPulledEvent>(sink.Events[1]);
        Assert.Equal((Name, "v1", Digest.Parse(digest), (string?)null), (pulled.Repository, pulled.Reference, pulled.Digest, pulled.Subject));

        var blob = await Oci.PushBlobAsync(alice, Name, [9, 9, 9]);
        using (var delete = await alice.DeleteAsync($"/v2/{Name}/blobs/{blob}", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        using (var delete = await alice.DeleteAsync($"/v2/{Name}/manifests/v1", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        using (var delete = await alice.DeleteAsync($"/v2/{Name}/manifests/{digest}", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        Assert.Equal(5, sink.Events.Count);
        var blobDeleted = Assert.IsType<BlobDeletedEvent>(sink.Events[2]);
        Assert.Equal((Name, Digest.Parse(blob), "alice"), (blobDeleted.Repository, blobDeleted.Digest, blobDeleted.Subject));
        var tag = Assert.IsType<TagDeletedEvent>(sink.Events[3]);
        Assert.Equal((Name, "v1", "alice"), (tag.Repository, tag.Tag, tag.Subject));
        var manifest = Assert.IsType<ManifestDeletedEvent>(sink.Events[4]);
        Assert.Equal((Name, Digest.Parse(digest), "alice"), (manifest.Repository, manifest.Digest, manifest.Subject));
    }

    [Fact]
    public async Task RefusedRequests_AreNotReported()
    {
        var sink = new RecordingEvents();
        await using var registry = await TokenRegistry.StartAsync(_issuer, services => services.AddSingleton<IRegistryEvents>(sink));
        using var alice = TokenRegistry.Client(registry, _issuer.Issue("alice", $"repository:{Name}:pull,push"));
        await Oci.PushImageAsync(alice, Name, "v1");
        using var delete = await alice.DeleteAsync($"/v2/{Name}/manifests/v1", Oci.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, delete.StatusCode);
        using var missing = await alice.GetAsync($"/v2/{Name}/manifests/v2", Oci.Token);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.IsType<ManifestPushedEvent>(Assert.Single(sink.Events));
    }

    [Fact]
    public async Task WithoutAuthentication_EventsHaveNoSubject()
    {
        var sink = new RecordingEvents();
        await using var registry = await TestRegistry.StartAsync(services: services => services.AddSingleton<IRegistryEvents>(sink));
        await Oci.PushImageAsync(registry.Client, Name, "v1");
        Assert.Null(Assert.IsType<ManifestPushedEvent>(Assert.Single(sink.Events)).Subject);
    }

    [Fact]
    public async Task SinkThatThrows_DoesNotFailTheRequest()
    {
        await using var registry = await TestRegistry.StartAsync(services: services => services.AddSingleton<IRegistryEvents>(new ThrowingEvents()));
        var (body, digest) = await Oci.PushImageAsync(registry.Client, Name, "v1");
        Assert.Equal(body, await registry.Client.GetByteArrayAsync($"/v2/{Name}/manifests/{digest}", Oci.Token));
    }

    private sealed class RecordingEvents : IRegistryEvents
    {
        private readonly ConcurrentQueue<object> _events = new();

        public IReadOnlyList<object> Events => [.. _events];

        public void ManifestPushed(ManifestPushedEvent pushed) => _events.Enqueue(pushed);

        public void ManifestPulled(ManifestPulledEvent pulled) => _events.Enqueue(pulled);

        public void ManifestDeleted(ManifestDeletedEvent deleted) => _events.Enqueue(deleted);

        public void TagDeleted(TagDeletedEvent deleted) => _events.Enqueue(deleted);

        public void BlobDeleted(BlobDeletedEvent deleted) => _events.Enqueue(deleted);
    }

    private sealed class ThrowingEvents : IRegistryEvents
    {
        public void ManifestPushed(ManifestPushedEvent pushed) => throw new InvalidOperationException("sink down");

        public void ManifestPulled(ManifestPulledEvent pulled) => throw new InvalidOperationException("sink down");

        public void ManifestDeleted(ManifestDeletedEvent deleted) => throw new InvalidOperationException("sink down");

        public void TagDeleted(TagDeletedEvent deleted) => throw new InvalidOperationException("sink down");

        public void BlobDeleted(BlobDeletedEvent deleted) => throw new InvalidOperationException("sink down");
    }
}
