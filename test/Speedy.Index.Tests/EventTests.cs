using System.Net;
using System.Text.Json;
using Speedy.Index.Events;
using Speedy.Index.Store;
using Speedy.Index.Web.Registry;

namespace Speedy.Index.Tests;

/// <summary>Registry events over POST /events and in process: pushes create repositories, pulls are counted in batches.</summary>
public sealed class EventTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PostEvents_WithoutTheSecret_Is401()
    {
        await using var index = await TestIndex.StartAsync();

        var response = await index.PostEventsAsync("wrong-secret-0123456789", new { events = Array.Empty<object>() });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task PostEvents_CreatesPrivateRepositoriesOnPush_AndCountsPullsOnlyWhenFlushed()
    {
        await using var index = await TestIndex.StartAsync();
        var time = DateTimeOffset.FromUnixTimeSeconds(index.Clock.UtcNow.ToUnixTimeSeconds());

        var response = await index.PostEventsAsync(TestIndex.EventsSecret, new
        {
            events = new object[]
            {
                new { action = "push", repository = "alice/app", reference = "v1", digest = "sha256:aa", subject = "alice", time },
                new { action = "pull", repository = "alice/app", reference = "v1", time = time.AddSeconds(5) },
                new { action = "pull", repository = "alice/app", reference = "v1", time = time.AddSeconds(3) },
                new { action = "delete", repository = "alice/app", reference = "v0", digest = "sha256:bb", subject = "alice", time },
                new { action = "pull", repository = "../etc", time },
                new { action = "rename", repository = "alice/app", time },
            },
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using (var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token)))
        {
            Assert.Equal(4, body.RootElement.GetProperty("accepted").GetInt32());
            Assert.Equal(2, body.RootElement.GetProperty("rejected").GetInt32());
        }

        var repository = await WaitForRepositoryAsync(index.Store, "alice/app");
        Assert.False(repository.IsPublic);
        Assert.Equal(time, repository.LastPush);
        Assert.Equal(0, repository.PullCount);

        await index.Events.FlushAsync(Token);
        repository = (await index.Store.GetRepositoryAsync("alice/app", Token))!;
        Assert.Equal(2, repository.PullCount);
        Assert.Equal(time.AddSeconds(5), repository.LastPull);
        var audit = await index.Store.ListAuditAsync(new AuditQuery { Actor = "alice" }, Token);
        Assert.Contains(audit, entry => entry is { Action: AuditActions.Push, Target: "alice/app:v1", Detail: "sha256:aa" });
        Assert.Contains(audit, entry => entry is { Action: AuditActions.Delete, Target: "alice/app:v0", Detail: "sha256:bb" });
    }

    [Fact]
    public async Task PostEvents_WithABodyThatIsNotABatch_Is400()
    {
        await using var index = await TestIndex.StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "events") { Content = new StringContent("[not json", System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", TestIndex.EventsSecret);

        Assert.Equal(HttpStatusCode.BadRequest, (await index.Client.SendAsync(request, Token)).StatusCode);
    }

    [Fact]
    public async Task RecordInProcess_CountsManyPullsIntoOneWrite()
    {
        await using var index = await TestIndex.StartAsync();
        var time = index.Clock.UtcNow;
        Assert.True(index.Events.Record(new RegistryEvent(RegistryEventKind.Push, "team/app", "latest", "sha256:cc", "bob", time)));
        Assert.False(index.Events.Record(new RegistryEvent(RegistryEventKind.Pull, "Team/App", null, null, null, time)));

        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() =>
        {
            for (var i = 0; i < 250; i++)
            {
                index.Events.Record(new RegistryEvent(RegistryEventKind.Pull, "team/app", "latest", null, null, time));
            }
        })));
        await index.Events.FlushAsync(Token);

        Assert.Equal(1000, (await index.Store.GetRepositoryAsync("team/app", Token))!.PullCount);
        await index.Events.FlushAsync(Token);
        Assert.Equal(1000, (await index.Store.GetRepositoryAsync("team/app", Token))!.PullCount);
    }

    [Fact]
    public async Task RecordInProcess_APullByTheWebUiItself_IsNotCounted()
    {
        await using var index = await TestIndex.StartAsync();
        var time = index.Clock.UtcNow;
        Assert.True(index.Events.Record(new RegistryEvent(RegistryEventKind.Push, "team/app", "latest", "sha256:cc", "bob", time)));
        Assert.True(index.Events.Record(new RegistryEvent(RegistryEventKind.Pull, "team/app", "latest", "sha256:cc", HttpRegistryBrowser.ReaderSubject, time)));
        Assert.True(index.Events.Record(new RegistryEvent(RegistryEventKind.Pull, "team/app", "latest", "sha256:cc", "bob", time)));

        await index.Events.FlushAsync(Token);

        Assert.Equal(1, (await index.Store.GetRepositoryAsync("team/app", Token))!.PullCount);
    }

    private static async Task<Repository> WaitForRepositoryAsync(IIndexStore store, string name)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await store.GetRepositoryAsync(name, Token) is { } repository)
            {
                return repository;
            }

            await Task.Delay(50, Token);
        }

        throw new TimeoutException($"{name} was never created");
    }
}
