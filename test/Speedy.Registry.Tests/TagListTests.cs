using System.Net;
using System.Text.Json.Nodes;
using Speedy.Registry.Tests.Support;

namespace Speedy.Registry.Tests;

/// <summary><c>GET /v2/&lt;name&gt;/tags/list</c> with <c>n</c>/<c>last</c> pagination.</summary>
public sealed class TagListTests
{
    private const string Name = "a/b/c";

    private static readonly string[] s_tags = ["v1", "A", "latest", "1.0", "v10", "v2", "_x", "Z-9", "1.0.1", "beta"];

    [Fact]
    public async Task TagsList_ReturnsEveryTagInLexicalOrder()
    {
        await using var registry = await TestRegistry.StartAsync();
        await TagAllAsync(registry.Client);
        using var response = await registry.Client.GetAsync($"/v2/{Name}/tags/list", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(Oci.Header(response, "Link"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!;
        Assert.Equal(Name, (string?)json["name"]);
        Assert.Equal(Sorted(s_tags), Strings(json["tags"]!.AsArray()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(9)]
    [InlineData(10)]
    [InlineData(11)]
    public async Task TagsList_FollowingNextLinks_VisitsEveryTagExactlyOnce(int n)
    {
        await using var registry = await TestRegistry.StartAsync();
        await TagAllAsync(registry.Client);
        var seen = await FollowAsync(registry.Client, $"/v2/{Name}/tags/list?n={n}", "tags", n);
        Assert.Equal(Sorted(s_tags), seen);
    }

    [Fact]
    public async Task TagsList_WithLast_StartsAfterIt()
    {
        await using var registry = await TestRegistry.StartAsync();
        await TagAllAsync(registry.Client);
        var sorted = Sorted(s_tags);
        using var response = await registry.Client.GetAsync($"/v2/{Name}/tags/list?n=2&last={sorted[3]}", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!;
        Assert.Equal(sorted[4..6], Strings(json["tags"]!.AsArray()));
        Assert.Equal($"</v2/{Name}/tags/list?n=2&last={sorted[5]}>; rel=\"next\"", Oci.Header(response, "Link"));
    }

    [Fact]
    public async Task TagsList_WithLastNotATag_StartsAfterWhereItWouldBe()
    {
        await using var registry = await TestRegistry.StartAsync();
        await TagAllAsync(registry.Client);
        using var response = await registry.Client.GetAsync($"/v2/{Name}/tags/list?last=v11", Oci.Token);
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!;
        Assert.Equal(["v2"], Strings(json["tags"]!.AsArray()));
    }

    [Fact]
    public async Task TagsList_WithLastAfterEveryTag_IsEmpty()
    {
        await using var registry = await TestRegistry.StartAsync();
        await TagAllAsync(registry.Client);
        using var response = await registry.Client.GetAsync($"/v2/{Name}/tags/list?n=5&last=zzz", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Oci.Header(response, "Link"));
        Assert.Empty(JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!["tags"]!.AsArray());
    }

    [Fact]
    public async Task TagsList_WithNZero_ReturnsEmptyListWithoutLink()
    {
        await using var registry = await TestRegistry.StartAsync();
        await TagAllAsync(registry.Client);
        using var response = await registry.Client.GetAsync($"/v2/{Name}/tags/list?n=0", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(Oci.Header(response, "Link"));
        var json = JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!;
        Assert.Equal(Name, (string?)json["name"]);
        Assert.Empty(json["tags"]!.AsArray());
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("abc")]
    [InlineData("1.5")]
    [InlineData("%2B5")]
    [InlineData("99999999999999999999")]
    public async Task TagsList_WithInvalidN_Returns400PaginationNumberInvalid(string n)
    {
        await using var registry = await TestRegistry.StartAsync();
        await TagAllAsync(registry.Client);
        using var response = await registry.Client.GetAsync($"/v2/{Name}/tags/list?n={n}", Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "PAGINATION_NUMBER_INVALID");
    }

    [Fact]
    public async Task TagsList_OfUnknownRepository_Returns404NameUnknown()
    {
        await using var registry = await TestRegistry.StartAsync();
        using var response = await registry.Client.GetAsync("/v2/no/such/repo/tags/list", Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.NotFound, "NAME_UNKNOWN");
    }

    [Fact]
    public async Task TagsList_OfRepositoryWithOnlyBlobs_IsEmpty()
    {
        await using var registry = await TestRegistry.StartAsync();
        await Oci.PushBlobAsync(registry.Client, "blobs/only", [1, 2, 3]);
        using var response = await registry.Client.GetAsync("/v2/blobs/only/tags/list", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!["tags"]!.AsArray());
    }

    [Fact]
    public async Task TagsList_OfNestedNames_AreSeparate()
    {
        await using var registry = await TestRegistry.StartAsync();
        await Oci.PushImageAsync(registry.Client, "a", "top", seed: 1);
        await Oci.PushImageAsync(registry.Client, "a/b", "middle", seed: 2);
        await Oci.PushImageAsync(registry.Client, "a/b/c", "bottom", seed: 3);
        Assert.Equal(["top"], await ListTagsAsync(registry.Client, "a"));
        Assert.Equal(["middle"], await ListTagsAsync(registry.Client, "a/b"));
        Assert.Equal(["bottom"], await ListTagsAsync(registry.Client, "a/b/c"));
    }

    internal static async Task<string[]> ListTagsAsync(HttpClient client, string name)
    {
        using var response = await client.GetAsync($"/v2/{name}/tags/list", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Strings(JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))!["tags"]!.AsArray());
    }

    /// <summary>Follows <c>Link: rel="next"</c> from <paramref name="first"/> and returns every item seen, in order.</summary>
    internal static async Task<string[]> FollowAsync(HttpClient client, string first, string property, int n)
    {
        var seen = new List<string>();
        string? next = first;
        for (var pages = 0; next is not null; pages++)
        {
            Assert.True(pages < 1000, "pagination does not end");
            using var response = await client.GetAsync(next, Oci.Token);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var items = Strings(JsonNode.Parse(await response.Content.ReadAsStringAsync(Oci.Token))![property]!.AsArray());
            Assert.True(items.Length <= n, $"page of {items.Length} items for n={n}");
            seen.AddRange(items);
            next = NextLink(response);
            if (next is not null)
            {
                Assert.Equal(n, items.Length);
            }
        }

        return [.. seen];
    }

    internal static string? NextLink(HttpResponseMessage response)
    {
        var link = Oci.Header(response, "Link");
        if (link is null)
        {
            return null;
        }

        Assert.StartsWith("<", link, StringComparison.Ordinal);
        Assert.EndsWith(">; rel=\"next\"", link, StringComparison.Ordinal);
        return link[1..link.IndexOf('>', StringComparison.Ordinal)];
    }

    internal static string[] Strings(JsonArray array)
    {
        var strings = new string[array.Count];
        for (var i = 0; i < strings.Length; i++)
        {
            strings[i] = (string)array[i]!;
        }

        return strings;
    }

    internal static string[] Sorted(string[] items)
    {
        var copy = (string[])items.Clone();
        Array.Sort(copy, StringComparer.Ordinal);
        return copy;
    }

    private static async Task TagAllAsync(HttpClient client)
    {
        var (body, _) = await Oci.PushImageAsync(client, Name, s_tags[0]);
        for (var i = 1; i < s_tags.Length; i++)
        {
            using var put = await Oci.PutManifestAsync(client, Name, s_tags[i], Oci.OciManifest, body);
            Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        }
    }
}
