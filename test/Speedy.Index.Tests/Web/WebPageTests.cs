using System.Net;

namespace Speedy.Index.Tests.Web;

/// <summary>The web UI's pages through a real host over a real SQLite store: who sees what, and what every error looks like.</summary>
public sealed class WebPageTests : IAsyncLifetime
{
    private WebTestHost _host = null!; // Set in InitializeAsync.

    public async ValueTask InitializeAsync() => _host = await WebTestHost.StartAsync();

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Explore_Anonymous_ListsPublicRepositoriesOnly()
    {
        using var client = _host.CreateClient();
        var page = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains(WebTestHost.PublicRepository, page.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(WebTestHost.PrivateRepository, page.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RepositoryPage_Public_RendersTheDescriptionAndSaysWhyTagsAreMissing()
    {
        using var client = _host.CreateClient();
        var page = await client.GetAsync($"/repo/{WebTestHost.PublicRepository}");
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Contains("<strong>web</strong>", page.Body, StringComparison.Ordinal);
        Assert.Contains("no registry is configured", page.Body, StringComparison.Ordinal);
    }
}
