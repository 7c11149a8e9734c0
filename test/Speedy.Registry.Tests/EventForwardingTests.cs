using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Speedy.Auth;
using Speedy.Index.Store;
using Speedy.Registry.Events;
using Speedy.Registry.Tests.Support;
using Speedy.Testing;

namespace Speedy.Registry.Tests;

/// <summary>
/// A registry with <c>Events:Url</c> forwards its pushes, pulls and deletions to a real index over <c>POST /events</c>
/// (<see cref="HttpRegistryEvents"/>): retried while the index is away, dropped with an error when refused, dropped
/// and counted when the queue is full, flushed on stop, and never in the way of a request.
/// </summary>
public sealed class EventForwardingTests : IDisposable
{
    private const string Name = "team/app";
    private readonly TestTokenIssuer _issuer = new();

    public void Dispose() => _issuer.Dispose();

    [Fact]
    public async Task PushAndPulls_ReachTheIndex_AsARepositoryWithItsLastPushAndPullCount()
    {
        await using var index = await EventsIndex.StartAsync();
        await using var registry = await StartRegistryAsync(
            index.Url,
            EventsIndex.Secret,
            options => options.Auth = TokenRegistry.Options(_issuer),
            services => services.AddSingleton<ISigningKeySource>(new StaticSigningKeySource(_issuer.PublicKeys)));
        using var alice = TokenRegistry.Client(registry, _issuer.Issue("alice", $"repository:{Name}:*"));
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);

        var (body, digest) = await Oci.PushImageAsync(alice, Name, "v1");
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(body, await alice.GetByteArrayAsync($"/v2/{Name}/manifests/{(i == 0 ? digest : "v1")}", Oci.Token));
        }

        var repository = await index.WaitForRepositoryAsync(Name, pulls: 3);
        Assert.Equal(3, repository.PullCount);
        Assert.InRange(repository.LastPush!.Value, before, DateTimeOffset.UtcNow.AddSeconds(1));
        Assert.NotNull(repository.LastPull);
        Assert.False(repository.IsPublic);

        using (var delete = await alice.DeleteAsync($"/v2/{Name}/manifests/v1", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        using (var delete = await alice.DeleteAsync($"/v2/{Name}/manifests/{digest}", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
        }

        var audit = await WaitForAuditAsync(index, "alice", 3);
        Assert.Contains(audit, entry => entry is { Action: AuditActions.Push, Target: $"{Name}:v1" } && entry.Detail == digest);
        Assert.Contains(audit, entry => entry is { Action: AuditActions.Delete, Target: $"{Name}:v1", Detail: "" });
        Assert.Contains(audit, entry => entry is { Action: AuditActions.Delete } && entry.Target == $"{Name}:{digest}" && entry.Detail == digest);
        await WaitUntilAsync(() => Forwarder(registry).Delivered == 6, "the index's answer to the six events");
        Assert.Equal(0, Forwarder(registry).Dropped);
    }

    [Fact]
    public async Task IndexDownAtFirst_GetsTheEventsOnceItStarts()
    {
        var port = FreePort.Next();
        await using var registry = await StartRegistryAsync($"http://127.0.0.1:{port}", EventsIndex.Secret);
        var (body, _) = await Oci.PushImageAsync(registry.Client, Name, "v1");
        Assert.Equal(body, await registry.Client.GetByteArrayAsync($"/v2/{Name}/manifests/v1", Oci.Token));
        await WaitUntilAsync(() => registry.Logs.Warnings.Any(warning => warning.Contains("cannot deliver 2 events", StringComparison.Ordinal)), "a failed delivery");

        await using var index = await EventsIndex.StartAsync(port);

        var repository = await index.WaitForRepositoryAsync(Name, pulls: 1);
        Assert.NotNull(repository.LastPush);
        await WaitUntilAsync(() => Forwarder(registry).Delivered == 2, "the index's answer to the two events");
        Assert.Equal(0, Forwarder(registry).Dropped);
    }

    [Fact]
    public async Task WrongSecret_DropsTheEventsWithAnError_AndRequestsStillSucceed()
    {
        await using var index = await EventsIndex.StartAsync();
        await using var registry = await StartRegistryAsync(index.Url, "not-the-events-secret");

        var (body, digest) = await Oci.PushImageAsync(registry.Client, Name, "v1");
        Assert.Equal(body, await registry.Client.GetByteArrayAsync($"/v2/{Name}/manifests/{digest}", Oci.Token));
        await WaitUntilAsync(() => Forwarder(registry).Refused == 2, "the index refusing the batch");

        // One batch, or two when the pull came after the push's batch window closed.
        var errors = registry.Logs.TakeErrors();
        Assert.NotEmpty(errors);
        Assert.All(errors, error => Assert.Contains("refused the events secret (401)", error, StringComparison.Ordinal));
        Assert.Null(await index.Store.GetRepositoryAsync(Name, Oci.Token));
        Assert.Equal(0, Forwarder(registry).Delivered);
    }

    [Fact]
    public async Task QueueFull_DropsAndCountsEvents_WithOneWarning_AndRequestsStillSucceed()
    {
        await using var registry = await StartRegistryAsync(FreePort.DeadUrl().ToString(), EventsIndex.Secret, options => options.Events.Capacity = 4);
        var (body, _) = await Oci.PushImageAsync(registry.Client, Name, "v1");
        // The push is in the batch being retried; from now on the queue in front of it fills.
        await WaitUntilAsync(() => registry.Logs.Warnings.Any(warning => warning.Contains("cannot deliver", StringComparison.Ordinal)), "a failed delivery");
        var forwarder = Forwarder(registry);

        var pulls = 0;
        while (forwarder.Dropped < 10 && pulls < 1000)
        {
            Assert.Equal(body, await registry.Client.GetByteArrayAsync($"/v2/{Name}/manifests/v1", Oci.Token));
            pulls++;
        }

        Assert.True(forwarder.Dropped >= 10, $"{pulls} pulls dropped only {forwarder.Dropped} events");
        Assert.Single(registry.Logs.Warnings, warning => warning.Contains("the queue of events for the index is full (4)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stopping_SendsWhatIsQueued()
    {
        await using var index = await EventsIndex.StartAsync();
        var registry = await StartRegistryAsync(index.Url, EventsIndex.Secret);
        HttpRegistryEvents forwarder;
        try
        {
            await Oci.PushImageAsync(registry.Client, Name, "v1");
            forwarder = Forwarder(registry);
            Assert.Equal(0, forwarder.Delivered);
        }
        finally
        {
            await registry.DisposeAsync();
        }

        Assert.Equal(1, forwarder.Delivered);
        Assert.NotNull((await index.WaitForRepositoryAsync(Name)).LastPush);
    }

    [Theory]
    [InlineData(null, "secret-0123456789abc", "--events-secret needs --events-url")]
    [InlineData("http://index:5001", null, "--events-url needs --events-secret")]
    [InlineData("index:5001", "secret-0123456789abc", "absolute http(s) URL")]
    [InlineData("/events", "secret-0123456789abc", "absolute http(s) URL")]
    [InlineData("ftp://index/", "secret-0123456789abc", "absolute http(s) URL")]
    [InlineData("http://index:5001", "line\nbreak", "control characters")]
    public void Options_WithABadSetting_AreRefused(string? url, string? secret, string message)
    {
        var options = new EventsOptions { Url = url, Secret = secret };
        Assert.Contains(message, Assert.Throws<FormatException>(options.Validate).Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://index:5001", "http://index:5001/events")]
    [InlineData("https://example.com/speedy/index/", "https://example.com/speedy/index/events")]
    [InlineData("https://example.com/speedy/index", "https://example.com/speedy/index/events")]
    public void Endpoint_AppendsEventsToTheBaseUrl(string url, string endpoint)
    {
        var options = new EventsOptions { Url = url, Secret = EventsIndex.Secret };
        options.Validate();
        Assert.Equal(new Uri(endpoint), options.Endpoint);
    }

    private static Task<TestRegistry> StartRegistryAsync(
        string url, string secret, Action<RegistryOptions>? configure = null, Action<IServiceCollection>? services = null) =>
        TestRegistry.StartAsync(
            configure: options =>
            {
                options.Events = new EventsOptions { Url = url, Secret = secret };
                configure?.Invoke(options);
            },
            services: services);

    private static HttpRegistryEvents Forwarder(TestRegistry registry)
    {
        var forwarder = registry.App.Services.GetRequiredService<HttpRegistryEvents>();
        Assert.Same(forwarder, registry.App.Services.GetRequiredService<IRegistryEvents>());
        return forwarder;
    }

    private static async Task<IReadOnlyList<AuditEntry>> WaitForAuditAsync(EventsIndex index, string actor, int count)
    {
        IReadOnlyList<AuditEntry> audit = [];
        await WaitUntilAsync(
            async () => (audit = await index.Store.ListAuditAsync(new AuditQuery { Actor = actor }, Oci.Token)).Count >= count,
            $"{count} audit entries of {actor}");
        return audit;
    }

    private static Task WaitUntilAsync(Func<bool> condition, string what) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what);

    /// <summary>Polls <paramref name="condition"/> for up to 30 s (the retry delays grow to several seconds).</summary>
    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"no {what} within 30 s");
            await Task.Delay(50, Oci.Token);
        }
    }
}
