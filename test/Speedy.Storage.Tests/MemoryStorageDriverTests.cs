using Speedy.Storage.Memory;

namespace Speedy.Storage.Tests;

public sealed class MemoryStorageDriverTests : StorageDriverConformanceTests
{
    private readonly ManualTimeProvider _clock = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

    [Fact]
    public async Task Stat_StampsModificationTimes_FromTheTimeProvider()
    {
        var driver = new MemoryStorageDriver(_clock);
        await driver.PutContentAsync(P("dir/file"), Bytes(1, seed: 1), Token);
        var created = _clock.GetUtcNow();
        _clock.Advance(TimeSpan.FromMinutes(1));

        await using (var writer = await driver.WriterAsync(P("dir/file"), append: true, Token))
        {
            await writer.WriteAsync(Bytes(1, seed: 2), Token);
        }

        Assert.Equal(created + TimeSpan.FromMinutes(1), (await driver.StatAsync(P("dir/file"), Token)).ModifiedAt);
        Assert.Equal(created, (await driver.StatAsync(P("dir"), Token)).ModifiedAt);
    }

    [Fact]
    public async Task Reader_OpenedBeforeAnOverwrite_KeepsReadingTheOldContent()
    {
        var old = Bytes(100, seed: 1);
        await Driver.PutContentAsync(P("file"), old, Token);
        await using var stream = await Driver.ReaderAsync(P("file"), 0, Token);

        await Driver.PutContentAsync(P("file"), Bytes(50, seed: 2), Token);

        AssertBytes(old, await ReadToEndAsync(stream));
    }

    [Fact]
    public async Task Reader_OpenedDuringAnUpload_SeesTheBytesWrittenSoFar_AndNothingLater()
    {
        var first = Bytes(100, seed: 1);
        await using var writer = await Driver.WriterAsync(P("upload"), append: false, Token);
        await writer.WriteAsync(first, Token);
        await using var stream = await Driver.ReaderAsync(P("upload"), 0, Token);

        for (var i = 0; i < 20; i++)
        {
            await writer.WriteAsync(Bytes(1000, seed: i), Token);
        }

        AssertBytes(first, await ReadToEndAsync(stream));
        await writer.CommitAsync(Token);
    }

    [Fact]
    public async Task PutContent_BelowAFile_OrOntoADirectory_ThrowsIOException_AndChangesNothing()
    {
        await Driver.PutContentAsync(P("file"), Bytes(1, seed: 1), Token);
        await Driver.PutContentAsync(P("dir/child"), Bytes(1, seed: 2), Token);

        await Assert.ThrowsAsync<IOException>(() => Driver.PutContentAsync(P("file/below"), Bytes(1, seed: 3), Token).AsTask());
        await Assert.ThrowsAsync<IOException>(() => Driver.PutContentAsync(P("dir"), Bytes(1, seed: 3), Token).AsTask());
        await Assert.ThrowsAsync<IOException>(() => Driver.MoveAsync(P("file"), P("dir"), Token).AsTask());

        Assert.Equal([P("dir"), P("file")], await Driver.ListAsync(Prefix, Token));
        Assert.Equal([P("dir/child")], await Driver.ListAsync(P("dir"), Token));
    }

    [Fact]
    public async Task Delete_OfTheRoot_EmptiesTheDriver()
    {
        var driver = new MemoryStorageDriver();
        await driver.PutContentAsync("/a/b", Bytes(1, seed: 1), Token);
        await driver.PutContentAsync("/c", Bytes(1, seed: 1), Token);

        await driver.DeleteAsync("/", Token);

        Assert.Empty(await driver.ListAsync("/", Token));
        Assert.True((await driver.StatAsync("/", Token)).IsDirectory);
    }

    protected override IStorageDriver CreateDriver() => new MemoryStorageDriver();
}
