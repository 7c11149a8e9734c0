namespace Speedy.MetaServer.Tests;

/// <summary>Many writers at once, and a reopened store.</summary>
public abstract partial class MetaStoreConformanceTests
{
    private const int Writers = 16;

    [Fact]
    public async Task ConcurrentPutsMovesAndDeletes_KeepTheStoreConsistent()
    {
        const int Rounds = 10;

        async Task WriterAsync(int writer)
        {
            for (var round = 0; round < Rounds; round++)
            {
                // An upload committed into a directory every writer uses, as the registry's blob store.
                var upload = $"/uploads/{writer}/{round}/data";
                await Store.AppendFragmentsAsync(upload, [Fragment(1, 4, 4, $"w{writer}r{round}")], Token);
                await Store.AppendFragmentsAsync(upload, [Fragment(0, 0, 4, $"w{writer}r{round}")], Token);
                Assert.True(await Store.MoveAsync(upload, $"/blobs/{round % 3}/{writer}-{round}", Token));

                // A directory that empties and fills again while others write into it.
                await Store.PutAsync($"/hot/{round % 2}/{writer}", Inline("x"), Token);
                Assert.True(await Store.DeleteAsync($"/hot/{round % 2}/{writer}", Token));

                // One file everybody replaces, through put and through move.
                await Store.PutAsync("/shared/latest", Inline($"{writer}-{round}"), Token);
                await Store.PutAsync($"/shared/tmp/{writer}", Inline($"{writer}-{round}"), Token);
                Assert.True(await Store.MoveAsync($"/shared/tmp/{writer}", "/shared/latest", Token));

                if (round % 2 == 1)
                {
                    Assert.True(await Store.DeleteAsync($"/blobs/{round % 3}/{writer}-{round}", Token));
                }

                await Store.ListAsync($"/blobs/{round % 3}", null, 100, Token);
                await Store.StatAsync("/hot", Token);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(() => WriterAsync(writer), Token)));

        Assert.Empty(await FindInconsistenciesAsync(Store));
        Assert.Equal(["blobs", "shared"], await ListAllAsync("/"));
        Assert.Equal(["latest"], await ListAllAsync("/shared"));
        Assert.Matches(@"^\d+-\d+$", Text(await Store.GetAsync("/shared/latest", Token)));
        for (var directory = 0; directory < 3; directory++)
        {
            var expected = new List<string>();
            for (var writer = 0; writer < Writers; writer++)
            {
                for (var round = directory; round < Rounds; round += 3)
                {
                    if (round % 2 == 0)
                    {
                        expected.Add($"{writer}-{round}");
                    }
                }
            }

            Assert.Equal(Ordinal([.. expected]), await ListAllAsync($"/blobs/{directory}", pageSize: 7));
            foreach (var name in expected)
            {
                var blob = await GetFileAsync($"/blobs/{directory}/{name}");
                Assert.True(blob.IsComplete);
                Assert.Equal(8, blob.Size);
            }
        }
    }

    [Fact]
    public async Task ConcurrentAppendsToOneUpload_RecordEveryFragment()
    {
        const int PerWriter = 4;

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(
            async () =>
            {
                for (var i = 0; i < PerWriter; i++)
                {
                    var index = (i * Writers) + writer;
                    await Store.AppendFragmentsAsync("/uploads/shared/data", [Fragment(index, index * 100L, 100)], Token);
                }
            },
            Token)));

        var entry = await GetFileAsync("/uploads/shared/data");
        Assert.True(entry.IsComplete);
        Assert.Equal(Writers * PerWriter * 100, entry.Size);
    }

    [Fact]
    public async Task ConcurrentMovesOfOneFile_SucceedExactlyOnce()
    {
        await Store.PutAsync("/src/file", Inline("only one"), Token);

        var moved = await Task.WhenAll(Enumerable.Range(0, Writers).Select(writer => Task.Run(
            async () => await Store.MoveAsync("/src/file", $"/dst/{writer}/file", Token),
            Token)));

        Assert.Single(moved, static m => m);
        var winner = Array.IndexOf(moved, true);
        Assert.Equal("only one", Text(await Store.GetAsync($"/dst/{winner}/file", Token)));
        Assert.Equal(["dst"], await ListAllAsync("/"));
        Assert.Equal([winner.ToString(System.Globalization.CultureInfo.InvariantCulture)], await ListAllAsync("/dst"));
    }

    [Fact]
    public async Task Reopen_FindsEverythingThatWasAcknowledged()
    {
        var fragments = Fragments("durable", 10, 10, 5);
        await Store.PutAsync("/repositories/library/alpine/_manifests/tags/latest/current/link", Inline("sha256:abc"), Token);
        await Store.PutAsync("/blobs/sha256/ab/abc/data", fragments, Token);
        await Store.AppendFragmentsAsync("/uploads/u1/data", [Fragment(1, 4, 4), Fragment(0, 0, 4)], Token);
        await Store.PutAsync("/uploads/u2/data", Inline("moved"), Token);
        Assert.True(await Store.MoveAsync("/uploads/u2/data", "/blobs/sha256/cd/cde/data", Token));
        await Store.PutAsync("/deleted/f", Inline("gone"), Token);
        Assert.True(await Store.DeleteAsync("/deleted", Token));

        await ReopenAsync();

        Assert.Equal("sha256:abc", Text(await Store.GetAsync("/repositories/library/alpine/_manifests/tags/latest/current/link", Token)));
        AssertSameEntry(fragments, await Store.GetAsync("/blobs/sha256/ab/abc/data", Token));
        Assert.Equal([Fragment(0, 0, 4), Fragment(1, 4, 4)], (await GetFileAsync("/uploads/u1/data")).Fragments);
        Assert.Equal("moved", Text(await Store.GetAsync("/blobs/sha256/cd/cde/data", Token)));
        Assert.Equal(["blobs", "repositories", "uploads"], await ListAllAsync("/"));
        Assert.Equal(["u1"], await ListAllAsync("/uploads"));
        Assert.Equal(new MetaFileInfo(25, Clock.UtcNow, false), await Store.StatAsync("/blobs/sha256/ab/abc/data", Token));
    }
}
