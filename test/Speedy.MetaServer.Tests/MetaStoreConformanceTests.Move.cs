namespace Speedy.MetaServer.Tests;

/// <summary>Moves: atomic renames that replace the destination and copy nothing.</summary>
public abstract partial class MetaStoreConformanceTests
{
    [Fact]
    public async Task Move_RenamesAFileKeepingItsEntryAndModificationTime()
    {
        var entry = Fragments("m", 5, 5, 2);
        await Store.PutAsync("/uploads/u1/data", entry, Token);
        var written = Clock.UtcNow;
        Clock.UtcNow = written.AddMinutes(1);

        Assert.True(await Store.MoveAsync("/uploads/u1/data", "/blobs/sha256/ab/abcd/data", Token));

        AssertSameEntry(entry, await Store.GetAsync("/blobs/sha256/ab/abcd/data", Token));
        Assert.Equal(new MetaFileInfo(12, written, false), await Store.StatAsync("/blobs/sha256/ab/abcd/data", Token));
        Assert.Null(await Store.GetAsync("/uploads/u1/data", Token));
        Assert.Null(await Store.StatAsync("/uploads", Token));
        Assert.Equal(["blobs"], await ListAllAsync("/"));
    }

    [Fact]
    public async Task Move_ReplacesTheDestinationFile()
    {
        await Store.PutAsync("/src-inline", Inline("new"), Token);
        await Store.PutAsync("/dst/one", Fragments("old", 9, 9), Token);
        await Store.PutAsync("/src-fragmented", Fragments("newer", 4), Token);
        await Store.PutAsync("/dst/two", Inline("old"), Token);

        Assert.True(await Store.MoveAsync("/src-inline", "/dst/one", Token));
        Assert.True(await Store.MoveAsync("/src-fragmented", "/dst/two", Token));

        Assert.Equal("new", Text(await Store.GetAsync("/dst/one", Token)));
        AssertSameEntry(Fragments("newer", 4), await Store.GetAsync("/dst/two", Token));
        Assert.Equal(["dst"], await ListAllAsync("/"));
        Assert.Equal(["one", "two"], await ListAllAsync("/dst"));
    }

    [Fact]
    public async Task Move_OfAMissingSource_ReturnsFalseAndChangesNothing()
    {
        await Store.PutAsync("/dst", Inline("kept"), Token);
        await Store.PutAsync("/dir/f", Inline("x"), Token);

        Assert.False(await Store.MoveAsync("/missing", "/dst", Token));
        Assert.False(await Store.MoveAsync("/dir/missing", "/elsewhere/f", Token));
        Assert.False(await Store.MoveAsync("/dir/f/below", "/elsewhere/f", Token));

        Assert.Equal("kept", Text(await Store.GetAsync("/dst", Token)));
        Assert.Null(await Store.StatAsync("/elsewhere", Token));
        Assert.Equal(["dir", "dst"], await ListAllAsync("/"));
    }

    [Fact]
    public async Task Move_OfADirectory_ReturnsFalseAndChangesNothing()
    {
        await Store.PutAsync("/dir/f", Inline("x"), Token);

        Assert.False(await Store.MoveAsync("/dir", "/moved", Token));

        Assert.Equal("x", Text(await Store.GetAsync("/dir/f", Token)));
        Assert.Null(await Store.StatAsync("/moved", Token));
    }

    [Fact]
    public async Task Move_OntoADirectory_ThrowsAConflictAndChangesNothing()
    {
        await Store.PutAsync("/src", Inline("s"), Token);
        await Store.PutAsync("/dir/f", Inline("x"), Token);

        await Assert.ThrowsAsync<MetaPathConflictException>(() => Store.MoveAsync("/src", "/dir", Token).AsTask());

        Assert.Equal("s", Text(await Store.GetAsync("/src", Token)));
        Assert.Equal("x", Text(await Store.GetAsync("/dir/f", Token)));
    }

    [Fact]
    public async Task Move_BelowAFile_ThrowsAConflictAndChangesNothing()
    {
        await Store.PutAsync("/a/src", Inline("s"), Token);
        await Store.PutAsync("/a/file", Inline("f"), Token);

        await Assert.ThrowsAsync<MetaPathConflictException>(() => Store.MoveAsync("/a/src", "/a/file/x", Token).AsTask());
        await Assert.ThrowsAsync<MetaPathConflictException>(() => Store.MoveAsync("/a/src", "/a/src/x", Token).AsTask());

        Assert.Equal("s", Text(await Store.GetAsync("/a/src", Token)));
        Assert.Equal("f", Text(await Store.GetAsync("/a/file", Token)));
        Assert.Equal(["file", "src"], await ListAllAsync("/a"));
    }

    [Fact]
    public async Task Move_OntoItself_KeepsTheFile()
    {
        await Store.PutAsync("/a/f", Fragments("self", 3), Token);

        Assert.True(await Store.MoveAsync("/a/f", "/a/f", Token));

        AssertSameEntry(Fragments("self", 3), await Store.GetAsync("/a/f", Token));
    }

    [Fact]
    public async Task Move_WithinADirectory_KeepsTheDirectoryAndItsOtherFiles()
    {
        await Store.PutAsync("/a/one", Inline("1"), Token);

        Assert.True(await Store.MoveAsync("/a/one", "/a/two", Token));

        Assert.Equal(["two"], await ListAllAsync("/a"));
        Assert.Equal("1", Text(await Store.GetAsync("/a/two", Token)));
    }

    [Fact]
    public async Task Move_IntoADeeperPathOfItsOwnDirectory_Works()
    {
        await Store.PutAsync("/a/f", Inline("1"), Token);

        Assert.True(await Store.MoveAsync("/a/f", "/a/b/c/f", Token));
        Assert.True(await Store.MoveAsync("/a/b/c/f", "/a/f", Token));

        Assert.Equal(["f"], await ListAllAsync("/a"));
        Assert.Null(await Store.StatAsync("/a/b", Token));
    }

    [Fact]
    public async Task Move_RemovesOnlyTheSourceDirectoriesLeftEmpty()
    {
        await Store.PutAsync("/x/y/z/f", Inline("1"), Token);
        await Store.PutAsync("/x/keep", Inline("2"), Token);

        Assert.True(await Store.MoveAsync("/x/y/z/f", "/p/q/f", Token));

        Assert.Equal(["keep"], await ListAllAsync("/x"));
        Assert.Equal(["p", "x"], await ListAllAsync("/"));
        Assert.True((await StatFileAsync("/p/q")).IsDirectory);
    }
}
