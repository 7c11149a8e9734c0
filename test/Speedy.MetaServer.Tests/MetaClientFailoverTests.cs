using System.Text;
using Speedy.Testing;

namespace Speedy.MetaServer.Tests;

/// <summary>
/// <see cref="MetaClient"/> with several meta servers: it moves on from one that cannot be reached, replays reads,
/// puts and appends on the next after a failure mid-request, and never replays a move or a delete whose outcome it
/// does not know.
/// </summary>
public sealed class MetaClientFailoverTests : IAsyncLifetime
{
    private readonly TempDirectory _directory = new();
    private TestMetaServer? _live;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private TestMetaServer Live => _live ?? throw new InvalidOperationException("started in InitializeAsync");

    public async ValueTask InitializeAsync()
    {
        _live = await TestMetaServer.StartSqliteAsync(_directory, Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (_live is not null)
        {
            await _live.DisposeAsync();
        }

        _directory.Dispose();
    }

    [Fact]
    public async Task EveryOperation_FailsOverFromARefusedUrlToALiveServer()
    {
        await using var client = Live.CreateClient(FreePort.DeadUrl(), FreePort.DeadUrl());

        await client.PutAsync("/uploads/u/data", Inline("content"), Token);
        Assert.Equal(8, await client.AppendFragmentsAsync("/uploads/f/data", [new(0, 0, 8, "1.1,ab", 7)], Token));
        Assert.True(await client.MoveAsync("/uploads/u/data", "/blobs/b", Token));
        Assert.Equal("content", Text(await client.GetAsync("/blobs/b", Token)));
        Assert.False((await client.StatAsync("/blobs/b", Token))?.IsDirectory);
        Assert.Equal(["blobs", "uploads"], await client.ListAsync("/", null, 10, Token));
        Assert.True(await client.DeleteAsync("/uploads", Token));
        Assert.Equal(["blobs"], await client.ListAsync("/", null, 10, Token));
    }

    [Fact]
    public async Task AMoveToOnlyRefusedUrls_FailsKnowingNothingWasApplied()
    {
        await using var client = new MetaClient(new MetaClientOptions { Servers = [FreePort.DeadUrl(), FreePort.DeadUrl()] });

        var exception = await Assert.ThrowsAsync<MetaServerUnavailableException>(() => client.MoveAsync("/a", "/b", Token).AsTask());

        Assert.False(exception.OutcomeUnknown);
    }

    [Fact]
    public async Task AMoveOrDeleteThatFailedOnAServer_IsNotReplayedOnTheNext()
    {
        var broken = new BrokenMetaStore();
        await using var failing = await TestMetaServer.StartAsync(broken, Token);
        await using var client = Live.CreateClient(failing.Address);
        await using var direct = Live.CreateClient();
        await direct.PutAsync("/src", Inline("x"), Token);

        var move = await Assert.ThrowsAsync<MetaServerUnavailableException>(() => client.MoveAsync("/src", "/dst", Token).AsTask());
        var delete = await Assert.ThrowsAsync<MetaServerUnavailableException>(() => client.DeleteAsync("/src", Token).AsTask());

        Assert.True(move.OutcomeUnknown);
        Assert.True(delete.OutcomeUnknown);
        Assert.Equal(2, broken.Calls);
        Assert.Equal("x", Text(await direct.GetAsync("/src", Token)));
        Assert.Null(await direct.StatAsync("/dst", Token));
    }

    [Fact]
    public async Task ReadsPutsAndAppendsThatFailedOnAServer_AreReplayedOnTheNext()
    {
        var broken = new BrokenMetaStore();
        await using var failing = await TestMetaServer.StartAsync(broken, Token);
        await using var client = Live.CreateClient(failing.Address);

        await client.PutAsync("/f", Inline("put"), Token);

        Assert.Equal(1, broken.Calls);
        await using var again = Live.CreateClient(failing.Address);
        Assert.Equal("put", Text(await again.GetAsync("/f", Token)));
        await using var append = Live.CreateClient(failing.Address);
        Assert.Equal(3, await append.AppendFragmentsAsync("/u", [new(0, 0, 3, "1.2,cd", 0)], Token));
        Assert.Equal(3, broken.Calls);
    }

    [Fact]
    public async Task AfterFailingOver_TheClientStaysWithTheServerThatAnswered()
    {
        var broken = new BrokenMetaStore();
        await using var failing = await TestMetaServer.StartAsync(broken, Token);
        await using var client = Live.CreateClient(failing.Address);

        await client.PutAsync("/f", Inline("x"), Token);
        Assert.True(await client.MoveAsync("/f", "/g", Token));
        Assert.True(await client.DeleteAsync("/g", Token));

        Assert.Equal(1, broken.Calls);
    }

    [Fact]
    public async Task AServerThatNeverAnswers_TimesOut_ReadsMoveOnAndAMoveIsNotReplayed()
    {
        await using var silent = new SilentServer();
        var options = new MetaClientOptions { Servers = [silent.Address, Live.Address], RequestTimeout = TimeSpan.FromMilliseconds(500) };
        await using (var setup = Live.CreateClient())
        {
            await setup.PutAsync("/src", Inline("x"), Token);
        }

        await using (var reader = new MetaClient(options))
        {
            Assert.Equal("x", Text(await reader.GetAsync("/src", Token)));
        }

        await using (var mover = new MetaClient(options))
        {
            var exception = await Assert.ThrowsAsync<MetaServerUnavailableException>(() => mover.MoveAsync("/src", "/dst", Token).AsTask());
            Assert.True(exception.OutcomeUnknown);
        }

        Assert.Equal(2, silent.Requests);
        await using var check = Live.CreateClient();
        Assert.Equal("x", Text(await check.GetAsync("/src", Token)));
    }

    [Fact]
    public void TheClient_RefusesNoServersAndUrlsThatAreNotHttp()
    {
        Assert.Throws<ArgumentException>(() => new MetaClient(new MetaClientOptions { Servers = [] }));
        Assert.Throws<ArgumentException>(() => new MetaClient(new MetaClientOptions { Servers = [new Uri("ftp://host/")] }));
        Assert.Throws<ArgumentException>(() => new MetaClient(new MetaClientOptions { Servers = [new Uri("relative", UriKind.Relative)] }));
    }

    private static MetaEntry Inline(string text) => MetaEntry.Inline(Encoding.UTF8.GetBytes(text));

    private static string Text(MetaEntry? entry)
    {
        Assert.NotNull(entry);
        return Encoding.UTF8.GetString(entry.Content.Span);
    }
}
