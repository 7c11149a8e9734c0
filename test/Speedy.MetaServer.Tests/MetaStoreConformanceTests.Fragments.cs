namespace Speedy.MetaServer.Tests;

/// <summary>Uploads in progress: fragments recorded as they arrive, committed by a move.</summary>
public abstract partial class MetaStoreConformanceTests
{
    [Fact]
    public async Task AppendFragments_CreatesTheFileAndReturnsTheFragmentsInIndexOrder()
    {
        Assert.Equal(12, await Store.AppendFragmentsAsync("/uploads/u/data", [Fragment(2, 8, 4), Fragment(0, 0, 4)], Token));
        Assert.Equal(12, await Store.AppendFragmentsAsync("/uploads/u/data", [Fragment(1, 4, 4)], Token));
        Assert.Equal(14, await Store.AppendFragmentsAsync("/uploads/u/data", [Fragment(3, 12, 2)], Token));

        var entry = await GetFileAsync("/uploads/u/data");
        Assert.False(entry.IsInline);
        Assert.True(entry.IsComplete);
        Assert.Equal(14, entry.Size);
        Assert.Equal([Fragment(0, 0, 4), Fragment(1, 4, 4), Fragment(2, 8, 4), Fragment(3, 12, 2)], entry.Fragments);
        Assert.Equal(new MetaFileInfo(14, Clock.UtcNow, false), await Store.StatAsync("/uploads/u/data", Token));
    }

    [Fact]
    public async Task AppendFragments_WithAGap_IsIncompleteUntilTheGapIsFilled()
    {
        await Store.AppendFragmentsAsync("/u", [Fragment(0, 0, 4), Fragment(2, 8, 4)], Token);

        var partial = await GetFileAsync("/u");
        Assert.False(partial.IsComplete);
        Assert.Equal(12, partial.Size);
        Assert.Equal([0, 2], partial.Fragments.Select(f => f.Index));

        await Store.AppendFragmentsAsync("/u", [Fragment(1, 4, 4)], Token);

        Assert.True((await GetFileAsync("/u")).IsComplete);
    }

    [Fact]
    public async Task AppendFragments_OfAnIndexAlreadyRecorded_ReplacesIt()
    {
        await Store.AppendFragmentsAsync("/u", [Fragment(0, 0, 4, "first"), Fragment(1, 4, 4, "first")], Token);

        Assert.Equal(8, await Store.AppendFragmentsAsync("/u", [Fragment(1, 4, 4, "retried")], Token));

        Assert.Equal(
            [Fragment(0, 0, 4, "first"), Fragment(1, 4, 4, "retried")],
            (await GetFileAsync("/u")).Fragments);
    }

    [Fact]
    public async Task AppendFragments_WithNone_CreatesAnEmptyFile()
    {
        Assert.Equal(0, await Store.AppendFragmentsAsync("/a/u", [], Token));

        AssertSameEntry(MetaEntry.Fragmented(0, []), await Store.GetAsync("/a/u", Token));
    }

    [Fact]
    public async Task AppendFragments_AfterPuttingAnEmptyFragmentedFile_ContinuesIt()
    {
        await Store.AppendFragmentsAsync("/u", [Fragment(0, 0, 4, "stale")], Token);
        await Store.PutAsync("/u", MetaEntry.Fragmented(0, []), Token);

        await Store.AppendFragmentsAsync("/u", [Fragment(0, 0, 3, "fresh")], Token);

        var entry = await GetFileAsync("/u");
        Assert.Equal(3, entry.Size);
        Assert.Equal([Fragment(0, 0, 3, "fresh")], entry.Fragments);
    }

    [Fact]
    public async Task AppendFragments_ToAnInlineFileADirectoryOrBelowAFile_ThrowsAConflictAndChangesNothing()
    {
        await Store.PutAsync("/inline", Inline("x"), Token);
        await Store.PutAsync("/dir/f", Inline("y"), Token);

        await Assert.ThrowsAsync<MetaPathConflictException>(
            () => Store.AppendFragmentsAsync("/inline", [Fragment(0, 0, 1)], Token).AsTask());
        await Assert.ThrowsAsync<MetaPathConflictException>(
            () => Store.AppendFragmentsAsync("/dir", [Fragment(0, 0, 1)], Token).AsTask());
        await Assert.ThrowsAsync<MetaPathConflictException>(
            () => Store.AppendFragmentsAsync("/inline/below", [Fragment(0, 0, 1)], Token).AsTask());

        Assert.Equal("x", Text(await Store.GetAsync("/inline", Token)));
        Assert.Equal(["f"], await ListAllAsync("/dir"));
    }

    [Fact]
    public async Task AppendFragments_RefusesInvalidFragmentsAndChangesNothing()
    {
        MetaFragment[][] invalid =
        [
            [Fragment(0, 0, 4), Fragment(0, 4, 4)],
            [new(-1, 0, 4, "1,a", 0)],
            [new(0, -1, 4, "1,a", 0)],
            [new(0, 0, 0, "1,a", 0)],
            [new(0, 0, 4, "", 0)],
            [new(0, 0, 4, "with space", 0)],
            [default],
        ];
        foreach (var fragments in invalid)
        {
            await Assert.ThrowsAsync<ArgumentException>(() => Store.AppendFragmentsAsync("/u", fragments, Token).AsTask());
        }

        Assert.Null(await Store.StatAsync("/u", Token));
    }

    [Fact]
    public async Task AppendFragments_ThenMove_CommitsTheUploadWithoutCopying()
    {
        for (var i = 0; i < 8; i++)
        {
            await Store.AppendFragmentsAsync("/_uploads/session/data", [Fragment(i, i * 10L, 10)], Token);
        }

        var upload = await GetFileAsync("/_uploads/session/data");

        Assert.True(await Store.MoveAsync("/_uploads/session/data", "/blobs/sha256/12/1234/data", Token));

        var blob = await GetFileAsync("/blobs/sha256/12/1234/data");
        Assert.True(blob.IsComplete);
        Assert.Equal(upload.Fragments, blob.Fragments);
        Assert.Null(await Store.StatAsync("/_uploads", Token));
    }
}
