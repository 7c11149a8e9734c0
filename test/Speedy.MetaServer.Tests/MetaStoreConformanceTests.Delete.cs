namespace Speedy.MetaServer.Tests;

/// <summary>Recursive, atomic deletes.</summary>
public abstract partial class MetaStoreConformanceTests
{
    [Fact]
    public async Task Delete_AFile_RemovesItAndTheParentsLeftEmpty()
    {
        await Store.PutAsync("/a/b/c/f", Fragments("d", 3, 3), Token);
        await Store.PutAsync("/a/g", Inline("g"), Token);

        Assert.True(await Store.DeleteAsync("/a/b/c/f", Token));

        Assert.Null(await Store.GetAsync("/a/b/c/f", Token));
        Assert.Null(await Store.StatAsync("/a/b", Token));
        Assert.Equal(["g"], await ListAllAsync("/a"));
    }

    [Fact]
    public async Task Delete_ADirectory_RemovesItsSubtreeButNoSiblingSharingAPrefix()
    {
        foreach (var path in s_sharedPrefixFiles)
        {
            await Store.PutAsync(path, Fragments(path, 2, 1), Token);
        }

        Assert.True(await Store.DeleteAsync("/a/b", Token));

        foreach (var path in s_sharedPrefixFiles)
        {
            var gone = path.StartsWith("/a/b/", StringComparison.Ordinal);
            Assert.True(gone == (await Store.GetAsync(path, Token) is null), path);
        }

        Assert.Null(await Store.StatAsync("/a/b", Token));
        Assert.Equal(Ordinal("b-c", "b-c.d", "bc", "b0", "b.", "B", "a", "c"), await ListAllAsync("/a"));
    }

    [Fact]
    public async Task Delete_TheLastDirectoryOfItsParent_RemovesTheParentsLeftEmpty()
    {
        await Store.PutAsync("/a/b/c/d/f", Inline("x"), Token);
        await Store.PutAsync("/a/b/c/d/g/h", Inline("x"), Token);
        await Store.PutAsync("/z", Inline("x"), Token);

        Assert.True(await Store.DeleteAsync("/a/b/c", Token));

        Assert.Null(await Store.StatAsync("/a", Token));
        Assert.Equal(["z"], await ListAllAsync("/"));
    }

    [Fact]
    public async Task Delete_AMissingPath_ReturnsFalse()
    {
        await Store.PutAsync("/a/f", Inline("x"), Token);

        Assert.False(await Store.DeleteAsync("/missing", Token));
        Assert.False(await Store.DeleteAsync("/a/missing", Token));
        Assert.False(await Store.DeleteAsync("/a/f/below", Token));
        Assert.False(await Store.DeleteAsync("/a-", Token));

        Assert.Equal("x", Text(await Store.GetAsync("/a/f", Token)));
    }

    [Fact]
    public async Task Delete_TheRoot_EmptiesTheStore()
    {
        Assert.False(await Store.DeleteAsync("/", Token));
        await Store.PutAsync("/a/b/f", Fragments("r", 1), Token);
        await Store.PutAsync("/c", Inline("x"), Token);

        Assert.True(await Store.DeleteAsync("/", Token));

        Assert.Empty(await ListAllAsync("/"));
        Assert.True((await StatFileAsync("/")).IsDirectory);
        await Store.PutAsync("/a/b/f", Inline("again"), Token);
        Assert.Equal("again", Text(await Store.GetAsync("/a/b/f", Token)));
    }

    [Fact]
    public async Task Delete_ThenPut_StartsAFreshFile()
    {
        await Store.PutAsync("/f", Fragments("first", 4, 4), Token);
        Assert.True(await Store.DeleteAsync("/f", Token));

        await Store.AppendFragmentsAsync("/f", [Fragment(0, 0, 2, "second")], Token);

        var entry = await GetFileAsync("/f");
        Assert.Equal([Fragment(0, 0, 2, "second")], entry.Fragments);
    }
}
