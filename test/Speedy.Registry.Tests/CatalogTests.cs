using System.Net;
using System.Text.Json.Nodes;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

/// <summary><c>GET /v2/_catalog</c> with <c>n</c>/<c>last</c> pagination.</summary>
public sealed class CatalogTests
{
    private static readonly string[] s_names = ["zeta", "a/b/c", "a", "a-b", "a/b", "library/ubuntu", "a.b", "0numeric", "a_b/x", "m/n/o/p"];

    [Fact]
    public async Task Catalog_ListsEveryRepositoryInLexicalOrder()
    {
        await using var registry = await TestRegistry.StartAsync();
        await PushAllAsync(registry.Client);
        using var response = await registry.Client.GetAsync("/v2/_catalog", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(Oci.Header(response, "Link"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!;
        Assert.Equal(TagListTests.Sorted(s_names), TagListTests.Strings(json["repositories"]!.AsArray()));
    }

    [Fact]
    public async Task Catalog_OfEmptyRegistry_IsEmpty()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.GetAsync("/v2/_catalog", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!["repositories"]!.AsArray());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    [InlineData(10)]
    [InlineData(100)]
    public async Task Catalog_FollowingNextLinks_VisitsEveryRepositoryExactlyOnce(int n)
    {
        await using var registry = await TestRegistry.StartAsync();
        await PushAllAsync(registry.Client);
        var seen = await TagListTests.FollowAsync(registry.Client, $"/v2/_catalog?n={n}", "repositories", n);
        Assert.Equal(TagListTests.Sorted(s_names), seen);
    }

    [Fact]
    public async Task Catalog_WithoutN_PagesAtTheConfiguredMaximum()
    {
        await using var registry = await TestRegistry.StartAsync(configure: options => options.MaxPageSize = 4);
        await PushAllAsync(registry.Client);
        using var response = await registry.Client.GetAsync("/v2/_catalog", Oci.Token);
        Assert.Equal(4, JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!["repositories"]!.AsArray().Count);
        Assert.NotNull(TagListTests.NextLink(response));
        var seen = await TagListTests.FollowAsync(registry.Client, "/v2/_catalog?n=1000", "repositories", 4);
        Assert.Equal(TagListTests.Sorted(s_names), seen);
    }

    [Fact]
    public async Task Catalog_WithNestedLast_StartsAfterIt()
    {
        await using var registry = await TestRegistry.StartAsync();
        await PushAllAsync(registry.Client);
        var sorted = TagListTests.Sorted(s_names);
        var last = Array.IndexOf(sorted, "a/b");
        using var response = await registry.Client.GetAsync("/v2/_catalog?n=2&last=a%2Fb", Oci.Token);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!;
        Assert.Equal(sorted[(last + 1)..(last + 3)], TagListTests.Strings(json["repositories"]!.AsArray()));
    }

    [Fact]
    public async Task Catalog_WithNZero_ReturnsEmptyListWithoutLink()
    {
        await using var registry = await TestRegistry.StartAsync();
        await PushAllAsync(registry.Client);
        using var response = await registry.Client.GetAsync("/v2/_catalog?n=0", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Oci.Header(response, "Link"));
        Assert.Empty(JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!["repositories"]!.AsArray());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("x")]
    [InlineData("1e3")]
    public async Task Catalog_WithInvalidN_Returns400PaginationNumberInvalid(string n)
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.GetAsync($"/v2/_catalog?n={n}", Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "PAGINATION_NUMBER_INVALID");
    }

    [Fact]
    public async Task Catalog_WithEmptyN_UsesTheDefaultPageSize()
    {
        await using var registry = await TestRegistry.StartAsync();
        await PushAllAsync(registry.Client);
        using var response = await registry.Client.GetAsync("/v2/_catalog?n=", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(s_names.Length, JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!["repositories"]!.AsArray().Count);
    }

    private static async Task PushAllAsync(HttpClient client)
    {
        for (var i = 0; i < s_names.Length; i++)
        {
            if (i % 2 == 0)
            {
                await Oci.PushBlobAsync(client, s_names[i], [(byte)i]);
            }
            else
            {
                await Oci.PushImageAsync(client, s_names[i], "latest", seed: i);
            }
        }
    }
}
