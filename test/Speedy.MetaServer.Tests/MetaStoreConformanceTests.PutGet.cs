namespace Speedy.MetaServer.Tests;

/// <summary>Put, Get and Stat; paths.</summary>
public abstract partial class MetaStoreConformanceTests
{
    /// <summary>Paths that every method must refuse with an <see cref="ArgumentException"/>.</summary>
    public static TheoryData<string> InvalidPaths { get; } =
    [
        "",
        "a",
        "a/b",
        " /a",
        "//",
        "/a//b",
        "/a/",
        "/.",
        "/..",
        "/a/.",
        "/a/..",
        "/a/./b",
        "/a/../b",
        "\\a",
        "/a\\b",
        "/a\0b",
    ];

    [Theory]
    [MemberData(nameof(InvalidPaths))]
    public async Task EveryMethod_RefusesAnInvalidPath(string path)
    {
        await AssertEveryMethodRefusesAsync(path);
    }

    [Fact]
    public async Task EveryMethod_RefusesAPathWithALoneSurrogateOrOverTheLengthLimit()
    {
        await AssertEveryMethodRefusesAsync("/a/\uD800");
        await AssertEveryMethodRefusesAsync("/a/\uDE00b");
        await AssertEveryMethodRefusesAsync("/" + new string('x', MetaLimits.MaxPathBytes));
        await AssertEveryMethodRefusesAsync("/" + new string('\u00e9', MetaLimits.MaxPathBytes / 2));
    }

    [Fact]
    public async Task EveryMethod_RefusesNull()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.PutAsync(null!, Inline("x"), Token).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.PutAsync("/a", null!, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.GetAsync(null!, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.StatAsync(null!, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.ListAsync(null!, null, 10, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.MoveAsync(null!, "/a", Token).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.MoveAsync("/a", null!, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.DeleteAsync(null!, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.AppendFragmentsAsync(null!, [], Token).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => Store.AppendFragmentsAsync("/a", null!, Token).AsTask());
    }

    [Fact]
    public async Task FileMethods_RefuseTheRoot()
    {
        await Store.PutAsync("/a", Inline("x"), Token);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync("/", Inline("x"), Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.MoveAsync("/", "/b", Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.MoveAsync("/a", "/", Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendFragmentsAsync("/", [Fragment(0, 0, 1)], Token).AsTask());
        Assert.Equal("x", Text(await Store.GetAsync("/a", Token)));
    }

    [Fact]
    public async Task Put_InlineContent_IsReturnedByGet()
    {
        var entry = MetaEntry.Inline([0, 1, 2, 255, 0]);

        await Store.PutAsync("/docker/registry/v2/repositories/library/alpine/_manifests/tags/latest/current/link", entry, Token);

        AssertSameEntry(entry, await Store.GetAsync("/docker/registry/v2/repositories/library/alpine/_manifests/tags/latest/current/link", Token));
    }

    [Fact]
    public async Task Put_Fragments_AreReturnedByGetInIndexOrder()
    {
        var entry = MetaEntry.Fragmented(
            25,
            [
                new(0, 0, 10, "3.1,1e22dabc8", 0xFFFFFFFF),
                new(1, 10, 10, "3.2,1e22dabc9", 0),
                new(2, 20, 5, "17.3,2a", 0x80000000),
            ]);

        await Store.PutAsync("/blobs/sha256/ab/abcdef/data", entry, Token);

        var read = await GetFileAsync("/blobs/sha256/ab/abcdef/data");
        AssertSameEntry(entry, read);
        Assert.True(read.IsComplete);
    }

    [Fact]
    public async Task Put_EmptyInlineAndEmptyFragmentedFiles_RoundTrip()
    {
        await Store.PutAsync("/empty-inline", MetaEntry.Inline([]), Token);
        await Store.PutAsync("/empty-fragmented", MetaEntry.Fragmented(0, []), Token);

        var inline = await Store.GetAsync("/empty-inline", Token);
        var fragmented = await Store.GetAsync("/empty-fragmented", Token);

        AssertSameEntry(MetaEntry.Inline([]), inline);
        AssertSameEntry(MetaEntry.Fragmented(0, []), fragmented);
        Assert.Equal(new MetaFileInfo(0, Clock.UtcNow, false), await Store.StatAsync("/empty-inline", Token));
        Assert.Equal(new MetaFileInfo(0, Clock.UtcNow, false), await Store.StatAsync("/empty-fragmented", Token));
    }

    [Fact]
    public async Task Put_TheLargestInlineContent_RoundTrips()
    {
        var content = new byte[MetaLimits.MaxInlineLength];
        Random.Shared.NextBytes(content);

        await Store.PutAsync("/big", MetaEntry.Inline(content), Token);

        Assert.Equal(content, (await GetFileAsync("/big")).Content.ToArray());
    }

    [Fact]
    public async Task Put_TenThousandFragments_RoundTrip()
    {
        var lengths = Enumerable.Repeat(8 * 1024 * 1024, 10_000).ToArray();
        var entry = Fragments("many", lengths);

        await Store.PutAsync("/huge", entry, Token);

        var read = await GetFileAsync("/huge");
        AssertSameEntry(entry, read);
        Assert.Equal(10_000L * 8 * 1024 * 1024, (await StatFileAsync("/huge")).Size);
    }

    [Fact]
    public async Task Put_OverAFile_ReplacesItsEntryWhateverItsKind()
    {
        await Store.PutAsync("/f", Fragments("old", 3, 3, 3), Token);
        await Store.PutAsync("/f", Inline("now inline"), Token);
        Assert.Equal("now inline", Text(await Store.GetAsync("/f", Token)));

        var shorter = Fragments("new", 4);
        await Store.PutAsync("/f", shorter, Token);
        AssertSameEntry(shorter, await Store.GetAsync("/f", Token));

        var longer = Fragments("newer", 1, 2, 3, 4, 5);
        await Store.PutAsync("/f", longer, Token);
        AssertSameEntry(longer, await Store.GetAsync("/f", Token));

        await Store.PutAsync("/f", Fragments("fewer", 7, 7), Token);
        AssertSameEntry(Fragments("fewer", 7, 7), await Store.GetAsync("/f", Token));
    }

    [Fact]
    public async Task Put_CreatesTheParentDirectories()
    {
        await Store.PutAsync("/a/b/c/file", Inline("x"), Token);

        foreach (var directory in new[] { "/a", "/a/b", "/a/b/c" })
        {
            Assert.True((await StatFileAsync(directory)).IsDirectory, directory);
        }

        Assert.Equal(["a"], await ListAllAsync("/"));
        Assert.Equal(["b"], await ListAllAsync("/a"));
        Assert.Equal(["file"], await ListAllAsync("/a/b/c"));
    }

    [Fact]
    public async Task Put_OnADirectory_ThrowsAConflictAndChangesNothing()
    {
        await Store.PutAsync("/a/b/c", Inline("x"), Token);

        await Assert.ThrowsAsync<MetaPathConflictException>(() => Store.PutAsync("/a/b", Inline("y"), Token).AsTask());
        await Assert.ThrowsAsync<MetaPathConflictException>(() => Store.PutAsync("/a", Fragments("y", 1), Token).AsTask());

        Assert.True((await StatFileAsync("/a/b")).IsDirectory);
        Assert.Equal("x", Text(await Store.GetAsync("/a/b/c", Token)));
    }

    [Fact]
    public async Task Put_BelowAFile_ThrowsAConflictAndChangesNothing()
    {
        await Store.PutAsync("/a/f", Inline("x"), Token);

        await Assert.ThrowsAsync<MetaPathConflictException>(() => Store.PutAsync("/a/f/g", Inline("y"), Token).AsTask());
        await Assert.ThrowsAsync<MetaPathConflictException>(() => Store.PutAsync("/a/f/g/h/i", Inline("y"), Token).AsTask());

        Assert.Equal("x", Text(await Store.GetAsync("/a/f", Token)));
        Assert.Null(await Store.StatAsync("/a/f/g", Token));
        Assert.Equal(["f"], await ListAllAsync("/a"));
    }

    [Fact]
    public async Task Get_MissingPathsDirectoriesAndTheRoot_ReturnNull()
    {
        await Store.PutAsync("/a/f", Inline("x"), Token);

        Assert.Null(await Store.GetAsync("/missing", Token));
        Assert.Null(await Store.GetAsync("/a/missing", Token));
        Assert.Null(await Store.GetAsync("/a", Token));
        Assert.Null(await Store.GetAsync("/", Token));
        Assert.Null(await Store.GetAsync("/a/f/below", Token));
    }

    [Fact]
    public async Task Stat_File_ReportsItsSizeAndModificationTime()
    {
        await Store.PutAsync("/inline", Inline("12345"), Token);
        var written = Clock.UtcNow;
        Clock.UtcNow = written.AddHours(1);
        await Store.PutAsync("/fragmented", Fragments("s", 100, 50), Token);

        Assert.Equal(new MetaFileInfo(5, written, false), await Store.StatAsync("/inline", Token));
        Assert.Equal(new MetaFileInfo(150, written.AddHours(1), false), await Store.StatAsync("/fragmented", Token));
    }

    [Fact]
    public async Task Stat_AfterAnOverwrite_ReportsTheNewSizeAndTime()
    {
        await Store.PutAsync("/f", Inline("12345"), Token);
        Clock.UtcNow = Clock.UtcNow.AddMinutes(5);
        await Store.PutAsync("/f", Inline("1"), Token);

        Assert.Equal(new MetaFileInfo(1, Clock.UtcNow, false), await Store.StatAsync("/f", Token));
    }

    [Fact]
    public async Task Stat_DirectoriesAreImpliedAndTheRootAlwaysExists()
    {
        var root = await Store.StatAsync("/", Token);
        Assert.True(root?.IsDirectory);
        Assert.Equal(0, root?.Size);

        await Store.PutAsync("/a/b/f", Inline("x"), Token);

        Assert.Equal(new MetaFileInfo(0, Clock.UtcNow, true), await Store.StatAsync("/a/b", Token));
        Assert.True((await StatFileAsync("/a")).IsDirectory);
    }

    [Fact]
    public async Task Stat_MissingPaths_ReturnNull()
    {
        await Store.PutAsync("/a/f", Inline("x"), Token);

        Assert.Null(await Store.StatAsync("/b", Token));
        Assert.Null(await Store.StatAsync("/a/g", Token));
        Assert.Null(await Store.StatAsync("/a/f/below", Token));
        Assert.Null(await Store.StatAsync("/a/f-", Token));
    }

    [Fact]
    public async Task Paths_WithNonAsciiNames_RoundTripAndListInOrdinalOrder()
    {
        string[] names = ["z", "\u00e9t\u00e9", "\u4e2d\u6587", "A", "\ud83d\ude00", "e\u0301", "~"];
        foreach (var name in names)
        {
            await Store.PutAsync("/u/" + name, Inline(name), Token);
        }

        foreach (var name in names)
        {
            Assert.Equal(name, Text(await Store.GetAsync("/u/" + name, Token)));
        }

        // Code point order: the same as ordinal order here, as no name has a character in U+E000..U+FFFF.
        Assert.Equal(Ordinal(names), await ListAllAsync("/u"));
        Assert.Equal(Ordinal(names), await ListAllAsync("/u", pageSize: 2));
    }

    [Fact]
    public async Task Paths_AtTheLengthLimit_AreStored()
    {
        var longName = "/" + new string('n', MetaLimits.MaxPathBytes - 1);
        var deep = string.Concat(Enumerable.Repeat("/d", (MetaLimits.MaxPathBytes / 2) - 1)) + "/f";

        await Store.PutAsync(longName, Inline("long"), Token);
        await Store.PutAsync(deep, Inline("deep"), Token);

        Assert.Equal(MetaLimits.MaxPathBytes, deep.Length);
        Assert.Equal("long", Text(await Store.GetAsync(longName, Token)));
        Assert.Equal("deep", Text(await Store.GetAsync(deep, Token)));
        Assert.True(await Store.DeleteAsync("/d", Token));
    }

    private async Task AssertEveryMethodRefusesAsync(string path)
    {
        await Store.PutAsync("/valid", Inline("x"), Token);
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(path, Inline("x"), Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetAsync(path, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.StatAsync(path, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListAsync(path, null, 10, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.MoveAsync(path, "/valid2", Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.MoveAsync("/valid", path, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(path, Token).AsTask());
        await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendFragmentsAsync(path, [Fragment(0, 0, 1)], Token).AsTask());
        Assert.Equal("x", Text(await Store.GetAsync("/valid", Token)));
        Assert.Equal(["valid"], await ListAllAsync("/"));
    }
}
