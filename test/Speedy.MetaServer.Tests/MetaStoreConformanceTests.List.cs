namespace Speedy.MetaServer.Tests;

/// <summary>Listing and pagination.</summary>
public abstract partial class MetaStoreConformanceTests
{
    /// <summary>
    /// Files whose names share prefixes with each other's directories: in byte order "/a/b-c" &lt; "/a/b/x" &lt;
    /// "/a/bc", while the names order "b" &lt; "b-c" &lt; "bc".
    /// </summary>
    private static readonly string[] s_sharedPrefixFiles =
    [
        "/a/b/x",
        "/a/b/y/z",
        "/a/b-c",
        "/a/b-c.d/e",
        "/a/bc",
        "/a/b0/q",
        "/a/b.",
        "/a/B",
        "/a/a/deep/er/file",
        "/a/c",
        "/ab",
        "/a-",
        "/a0/x",
    ];

    [Fact]
    public async Task List_ReturnsTheDirectChildrenInOrdinalOrder()
    {
        foreach (var path in s_sharedPrefixFiles)
        {
            await Store.PutAsync(path, Inline(path), Token);
        }

        Assert.Equal(Ordinal("a", "ab", "a-", "a0"), await ListAllAsync("/"));
        Assert.Equal(Ordinal("b", "b-c", "b-c.d", "bc", "b0", "b.", "B", "a", "c"), await ListAllAsync("/a"));
        Assert.Equal(Ordinal("x", "y"), await ListAllAsync("/a/b"));
        Assert.Equal(["z"], await ListAllAsync("/a/b/y"));
        Assert.Equal(["deep"], await ListAllAsync("/a/a"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(10)]
    [InlineData(11)]
    [InlineData(MetaLimits.MaxListLimit)]
    public async Task List_PageByPage_VisitsEveryChildExactlyOnce(int pageSize)
    {
        var expected = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            var name = $"n{i * 7 % 10}";
            expected.Add(name);
            await Store.PutAsync($"/d/{name}", Inline(name), Token);
            expected.Add(name + "-dir");
            await Store.PutAsync($"/d/{name}-dir/inner/file", Inline(name), Token);
        }

        await Store.PutAsync("/d-sibling/n0", Inline("not a child"), Token);
        await Store.PutAsync("/dd/n0", Inline("not a child"), Token);
        await Store.PutAsync("/d0", Inline("not a child"), Token);

        var pages = 0;
        var seen = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await Store.ListAsync("/d", after, pageSize, Token);
            pages++;
            Assert.InRange(page.Count, 0, pageSize);
            seen.AddRange(page);
            if (page.Count < pageSize)
            {
                break;
            }

            after = page[^1];
        }

        Assert.Equal(Ordinal([.. expected]), seen);
        Assert.Equal((expected.Count / pageSize) + 1, pages);
    }

    [Fact]
    public async Task List_StartingAfterANameThatIsNotThere_ContinuesWithTheNextName()
    {
        foreach (var name in new[] { "a", "c", "e" })
        {
            await Store.PutAsync("/d/" + name, Inline(name), Token);
        }

        Assert.Equal(["c", "e"], await Store.ListAsync("/d", "b", 10, Token));
        Assert.Equal(["c", "e"], await Store.ListAsync("/d", "a", 10, Token));
        Assert.Equal(["c"], await Store.ListAsync("/d", "a", 1, Token));
        Assert.Empty(await Store.ListAsync("/d", "e", 10, Token));
        Assert.Empty(await Store.ListAsync("/d", "z", 10, Token));
        Assert.Equal(["a", "c", "e"], await Store.ListAsync("/d", "", 10, Token));
        Assert.Equal(["a", "c", "e"], await Store.ListAsync("/d", "A", 10, Token));
    }

    [Fact]
    public async Task List_MissingDirectoriesAndFiles_AreEmpty()
    {
        Assert.Empty(await Store.ListAsync("/", null, 10, Token));

        await Store.PutAsync("/a/f", Inline("x"), Token);

        Assert.Empty(await Store.ListAsync("/missing", null, 10, Token));
        Assert.Empty(await Store.ListAsync("/a/f", null, 10, Token));
        Assert.Empty(await Store.ListAsync("/a/f/below", null, 10, Token));
    }

    [Fact]
    public async Task List_RefusesAnInvalidLimitOrCursor()
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAsync("/", null, 0, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListAsync("/", null, -1, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Store.ListAsync("/", null, MetaLimits.MaxListLimit + 1, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListAsync("/", "a/b", 10, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListAsync("/", "a\uD800", 10, Token).AsTask());
    }

    [Fact]
    public async Task List_NoLongerShowsADirectoryOnceItsLastFileIsGone()
    {
        await Store.PutAsync("/a/b/c/f", Inline("x"), Token);
        await Store.PutAsync("/a/keep", Inline("x"), Token);

        Assert.True(await Store.DeleteAsync("/a/b/c/f", Token));

        Assert.Equal(["keep"], await ListAllAsync("/a"));
        Assert.Null(await Store.StatAsync("/a/b", Token));
        Assert.Null(await Store.StatAsync("/a/b/c", Token));
    }
}
