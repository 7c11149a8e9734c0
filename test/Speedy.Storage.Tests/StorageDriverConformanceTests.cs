// Explicit although this project has a global using: projects that link this file may not.
using Xunit;

namespace Speedy.Storage.Tests;

/// <summary>
/// The contract of <see cref="IStorageDriver"/>, run against every driver: subclass it once per driver and
/// implement <see cref="CreateDriver"/>. Drivers in other test projects link this file
/// (<c>&lt;Compile Include="../Speedy.Storage.Tests/StorageDriverConformanceTests.cs" Link="..." /&gt;</c>), so it
/// depends on nothing but Speedy.Storage and xUnit.
/// </summary>
/// <remarks>
/// Every test works under its own <see cref="Prefix"/>, so drivers whose backend outlives a test (a shared bucket)
/// can run the suite too. When a test ends, <see cref="DisposeAsync"/> fails it if anything is left behind: it
/// deletes, one by one, the files the test left visible under the prefix, then requires the prefix to be gone
/// (directories exist only while something is under them, so a hidden temporary file keeps its directory, and
/// the prefix, alive) and <see cref="ListBackendEntries"/> to report nothing.
/// </remarks>
public abstract class StorageDriverConformanceTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;

    private IStorageDriver? _driver;

    protected StorageDriverConformanceTests()
    {
        Prefix = "/conformance-" + Guid.NewGuid().ToString("N");
    }

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
        "/../a",
        "/a/../../b",
        "\\a",
        "/a\\b",
        "/a/..\\..\\b",
        "/a\0b",
    ];

    /// <summary>The driver under test, created for each test by <see cref="CreateDriver"/>.</summary>
    protected IStorageDriver Driver =>
        _driver ?? throw new InvalidOperationException("the driver is created in InitializeAsync");

    /// <summary>A directory path unique to this test; every path the test writes lies under it.</summary>
    protected string Prefix { get; }

    protected static CancellationToken Token => TestContext.Current.CancellationToken;

    public virtual ValueTask InitializeAsync()
    {
        _driver = CreateDriver();
        return ValueTask.CompletedTask;
    }

    public virtual async ValueTask DisposeAsync()
    {
        try
        {
            await AssertNothingLeftBehindAsync();
        }
        finally
        {
            if (_driver is IAsyncDisposable asyncDisposable)
            {
                await asyncDisposable.DisposeAsync();
            }
            else if (_driver is IDisposable disposable)
            {
                disposable.Dispose();
            }
        }

        GC.SuppressFinalize(this);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(MiB)]
    public async Task PutContent_ThenGetContent_ReturnsTheSameBytes(int length)
    {
        var path = P("blob");
        var content = Bytes(length, seed: length);

        await Driver.PutContentAsync(path, content, Token);

        AssertBytes(content, await Driver.GetContentAsync(path, Token));
        Assert.Equal(length, (await Driver.StatAsync(path, Token)).Size);
    }

    [Fact]
    public async Task PutContent_OverAnExistingFile_ReplacesItWhole()
    {
        var path = P("blob");
        await Driver.PutContentAsync(path, Bytes(1000, seed: 1), Token);

        var replacement = Bytes(10, seed: 2);
        await Driver.PutContentAsync(path, replacement, Token);

        AssertBytes(replacement, await Driver.GetContentAsync(path, Token));
        Assert.Equal(10, (await Driver.StatAsync(path, Token)).Size);
    }

    [Fact]
    public async Task PutContent_InNewDirectories_CreatesThem()
    {
        await Driver.PutContentAsync(P("a/b/c/file"), Bytes(3, seed: 3), Token);

        Assert.True((await Driver.StatAsync(P("a"), Token)).IsDirectory);
        Assert.True((await Driver.StatAsync(P("a/b/c"), Token)).IsDirectory);
        Assert.Equal([P("a/b/c")], await Driver.ListAsync(P("a/b"), Token));
    }

    [Fact]
    public async Task PutContent_AtTheRoot_IsRejected()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Driver.PutContentAsync("/", Bytes(1, seed: 1), Token).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Driver.WriterAsync("/", append: true, Token).AsTask());
        await Driver.PutContentAsync(P("file"), Bytes(1, seed: 1), Token);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Driver.MoveAsync(P("file"), "/", Token).AsTask());
        Assert.True((await Driver.StatAsync("/", Token)).IsDirectory);
    }

    [Fact]
    public async Task PutContent_From16TasksAtOnce_LeavesOneCompleteVersion()
    {
        const int Writers = 16;
        const int Length = 256 * 1024;
        var path = P("contended");
        var token = Token;
        using var stop = new CancellationTokenSource();

        var reader = Task.Run(async () =>
        {
            var reads = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    AssertOneWholeVersion(await Driver.GetContentAsync(path, token), Length, Writers);
                    reads++;
                }
                catch (StoragePathNotFoundException)
                {
                    // Before the first put lands.
                }
            }

            return reads;
        }, token);
        var writers = new Task[Writers];
        for (var i = 0; i < Writers; i++)
        {
            var content = new byte[Length];
            Array.Fill(content, (byte)(i + 1));
            writers[i] = Task.Run(async () =>
            {
                for (var round = 0; round < 4; round++)
                {
                    await Driver.PutContentAsync(path, content, token);
                }
            }, token);
        }

        try
        {
            await Task.WhenAll(writers);
        }
        finally
        {
            await stop.CancelAsync();
        }

        await reader;
        AssertOneWholeVersion(await Driver.GetContentAsync(path, Token), Length, Writers);
    }

    [Fact]
    public async Task PutContent_WhileDeletesEmptyTheSameDirectory_Succeeds()
    {
        var token = Token;

        async Task PutAndDeleteAsync(string path)
        {
            var content = Bytes(16, seed: path.Length);
            for (var round = 0; round < 100; round++)
            {
                await Driver.PutContentAsync(path, content, token);
                AssertBytes(content, await Driver.GetContentAsync(path, token));
                await Driver.DeleteAsync(path, token);
            }
        }

        await Task.WhenAll(
            Task.Run(() => PutAndDeleteAsync(P("race/dir/a")), token),
            Task.Run(() => PutAndDeleteAsync(P("race/dir/bb")), token));

        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync(P("race"), Token).AsTask());
    }

    [Fact]
    public async Task PutContent_WithACancelledToken_ThrowsAndWritesNothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Driver.PutContentAsync(P("file"), Bytes(1, seed: 1), cancelled.Token).AsTask());
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Driver.GetContentAsync(P("file"), cancelled.Token).AsTask());

        await AssertNotFoundAsync(P("file"));
    }

    [Fact]
    public async Task GetContent_OfAMissingPath_ThrowsNotFound()
    {
        var exception = await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.GetContentAsync(P("missing"), Token).AsTask());

        Assert.Equal(P("missing"), exception.Path);
    }

    [Fact]
    public async Task GetContent_OfADirectory_OrBelowAFile_ThrowsNotFound()
    {
        await Driver.PutContentAsync(P("dir/file"), Bytes(5, seed: 5), Token);

        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.GetContentAsync(P("dir"), Token).AsTask());
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.GetContentAsync(P("dir/file/below"), Token).AsTask());
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.GetContentAsync("/", Token).AsTask());
    }

    [Theory]
    [MemberData(nameof(InvalidPaths))]
    public async Task EveryMethod_RejectsAnInvalidPath(string path)
    {
        var valid = P("valid");
        await Driver.PutContentAsync(valid, Bytes(4, seed: 4), Token);

        await AssertRejectedAsync(() => Driver.GetContentAsync(path, Token).AsTask());
        await AssertRejectedAsync(() => Driver.PutContentAsync(path, Bytes(1, seed: 1), Token).AsTask());
        await AssertRejectedAsync(() => Driver.ReaderAsync(path, 0, Token).AsTask());
        await AssertRejectedAsync(() => Driver.WriterAsync(path, append: false, Token).AsTask());
        await AssertRejectedAsync(() => Driver.WriterAsync(path, append: true, Token).AsTask());
        await AssertRejectedAsync(() => Driver.StatAsync(path, Token).AsTask());
        await AssertRejectedAsync(() => Driver.ListAsync(path, Token).AsTask());
        await AssertRejectedAsync(() => Driver.MoveAsync(path, P("moved"), Token).AsTask());
        await AssertRejectedAsync(() => Driver.MoveAsync(valid, path, Token).AsTask());
        await AssertRejectedAsync(() => Driver.DeleteAsync(path, Token).AsTask());

        Assert.Equal([valid], await Driver.ListAsync(Prefix, Token));
    }

    [Fact]
    public async Task EveryMethod_RejectsANullPath()
    {
        // null! below: passing null where the signature forbids it is the point of the test.
        var valid = P("valid");
        await Driver.PutContentAsync(valid, Bytes(4, seed: 4), Token);

        await AssertRejectedAsync(() => Driver.GetContentAsync(null!, Token).AsTask());
        await AssertRejectedAsync(() => Driver.PutContentAsync(null!, Bytes(1, seed: 1), Token).AsTask());
        await AssertRejectedAsync(() => Driver.ReaderAsync(null!, 0, Token).AsTask());
        await AssertRejectedAsync(() => Driver.WriterAsync(null!, append: true, Token).AsTask());
        await AssertRejectedAsync(() => Driver.StatAsync(null!, Token).AsTask());
        await AssertRejectedAsync(() => Driver.ListAsync(null!, Token).AsTask());
        await AssertRejectedAsync(() => Driver.MoveAsync(null!, P("moved"), Token).AsTask());
        await AssertRejectedAsync(() => Driver.MoveAsync(valid, null!, Token).AsTask());
        await AssertRejectedAsync(() => Driver.DeleteAsync(null!, Token).AsTask());

        Assert.Equal([valid], await Driver.ListAsync(Prefix, Token));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(500)]
    [InlineData(999)]
    [InlineData(1000)]
    public async Task Reader_AtAnOffset_ReadsFromThereToTheEnd(long offset)
    {
        var content = Bytes(1000, seed: 7);
        await Driver.PutContentAsync(P("blob"), content, Token);

        await using var stream = await Driver.ReaderAsync(P("blob"), offset, Token);

        AssertBytes(content.AsSpan((int)offset).ToArray(), await ReadToEndAsync(stream));
    }

    [Theory]
    [InlineData(1001)]
    [InlineData(long.MaxValue)]
    [InlineData(-1)]
    public async Task Reader_BeyondTheEnd_OrBeforeTheStart_ThrowsArgumentOutOfRange(long offset)
    {
        await Driver.PutContentAsync(P("blob"), Bytes(1000, seed: 7), Token);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Driver.ReaderAsync(P("blob"), offset, Token).AsTask());
    }

    [Fact]
    public async Task Reader_OfAnEmptyFile_AtOffsetZero_IsEmpty()
    {
        await Driver.PutContentAsync(P("empty"), ReadOnlyMemory<byte>.Empty, Token);

        await using var stream = await Driver.ReaderAsync(P("empty"), 0, Token);

        Assert.Empty(await ReadToEndAsync(stream));
    }

    [Fact]
    public async Task Reader_OfAMissingPath_OrADirectory_ThrowsNotFound()
    {
        await Driver.PutContentAsync(P("dir/file"), Bytes(5, seed: 5), Token);

        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.ReaderAsync(P("missing"), 0, Token).AsTask());
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.ReaderAsync(P("dir"), 0, Token).AsTask());
    }

    [Fact]
    public async Task Writer_AppendingAcrossWriters_ConcatenatesTheBytes()
    {
        var path = P("upload");
        var first = Bytes(1000, seed: 1);
        var second = Bytes(3000, seed: 2);

        await using (var writer = await Driver.WriterAsync(path, append: false, Token))
        {
            Assert.Equal(0, writer.Size);
            await writer.WriteAsync(first, Token);
            Assert.Equal(1000, writer.Size);
        }

        await using (var writer = await Driver.WriterAsync(path, append: true, Token))
        {
            Assert.Equal(1000, writer.Size);
            await writer.WriteAsync(second, Token);
            Assert.Equal(4000, writer.Size);
            await writer.CommitAsync(Token);
            Assert.Equal(4000, writer.Size);
        }

        AssertBytes([.. first, .. second], await Driver.GetContentAsync(path, Token));
    }

    [Fact]
    public async Task Writer_BytesAreVisibleThroughStatAndReader_BeforeCommit()
    {
        var path = P("upload");
        var first = Bytes(700, seed: 1);
        var second = Bytes(300, seed: 2);
        await using var writer = await Driver.WriterAsync(path, append: false, Token);
        Assert.Equal(0, (await Driver.StatAsync(path, Token)).Size);

        await writer.WriteAsync(first, Token);

        Assert.Equal(700, (await Driver.StatAsync(path, Token)).Size);
        await using (var stream = await Driver.ReaderAsync(path, 0, Token))
        {
            AssertBytes(first, await ReadToEndAsync(stream));
        }

        await writer.WriteAsync(second, Token);

        Assert.Equal(1000, (await Driver.StatAsync(path, Token)).Size);
        await using (var stream = await Driver.ReaderAsync(path, 700, Token))
        {
            AssertBytes(second, await ReadToEndAsync(stream));
        }

        await writer.CommitAsync(Token);
    }

    [Fact]
    public async Task Writer_WithoutAppend_DiscardsTheExistingContent()
    {
        var path = P("upload");
        await Driver.PutContentAsync(path, Bytes(100, seed: 1), Token);

        await using var writer = await Driver.WriterAsync(path, append: false, Token);

        Assert.Equal(0, writer.Size);
        Assert.Equal(0, (await Driver.StatAsync(path, Token)).Size);
        await writer.WriteAsync(new byte[] { 1, 2, 3 }, Token);
        await writer.CommitAsync(Token);
        AssertBytes([1, 2, 3], await Driver.GetContentAsync(path, Token));
    }

    [Fact]
    public async Task Writer_AppendingToAMissingPath_StartsEmpty_InNewDirectories()
    {
        var path = P("new/dirs/upload");

        await using var writer = await Driver.WriterAsync(path, append: true, Token);

        Assert.Equal(0, writer.Size);
        await writer.WriteAsync(new byte[] { 9 }, Token);
        await writer.CommitAsync(Token);
        AssertBytes([9], await Driver.GetContentAsync(path, Token));
    }

    [Fact]
    public async Task Writer_Cancel_RemovesThePath()
    {
        var path = P("dir/upload");
        await using var writer = await Driver.WriterAsync(path, append: false, Token);
        await writer.WriteAsync(Bytes(1000, seed: 1), Token);

        await writer.CancelAsync(Token);

        await AssertNotFoundAsync(path);
        await AssertNotFoundAsync(P("dir"));
    }

    [Fact]
    public async Task Writer_Cancel_OfAResumedUpload_DiscardsTheEarlierBytesToo()
    {
        var path = P("upload");
        await using (var writer = await Driver.WriterAsync(path, append: false, Token))
        {
            await writer.WriteAsync(Bytes(10, seed: 1), Token);
        }

        await using (var writer = await Driver.WriterAsync(path, append: true, Token))
        {
            await writer.CancelAsync(Token);
        }

        await AssertNotFoundAsync(path);
    }

    [Fact]
    public async Task Writer_AfterCommit_RefusesWritesCommitsAndCancels()
    {
        var path = P("upload");
        await using var writer = await Driver.WriterAsync(path, append: false, Token);
        await writer.WriteAsync(new byte[] { 1 }, Token);
        await writer.CommitAsync(Token);

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(new byte[] { 2 }, Token).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CommitAsync(Token).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CancelAsync(Token).AsTask());

        AssertBytes([1], await Driver.GetContentAsync(path, Token));
    }

    [Fact]
    public async Task Writer_AfterCancel_RefusesWrites()
    {
        await using var writer = await Driver.WriterAsync(P("upload"), append: false, Token);
        await writer.CancelAsync(Token);

        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.WriteAsync(new byte[] { 2 }, Token).AsTask());
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.CommitAsync(Token).AsTask());
        await AssertNotFoundAsync(P("upload"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Writer_WhileAnotherIsOpenOnThePath_ThrowsBusy_AndLeavesTheOthersBytesAlone(bool append)
    {
        var path = P("dir/upload");
        var first = Bytes(1000, seed: 1);
        await using var writer = await Driver.WriterAsync(path, append: false, Token);
        await writer.WriteAsync(first, Token);

        var busy = await Assert.ThrowsAsync<StorageWriterBusyException>(() => Driver.WriterAsync(path, append, Token).AsTask());

        Assert.Equal(path, busy.Path);
        Assert.Contains(path, busy.Message, StringComparison.Ordinal);
        AssertBytes(first, await Driver.GetContentAsync(path, Token));
        await writer.WriteAsync(Bytes(10, seed: 2), Token);
        Assert.Equal(1010, writer.Size);
        await writer.CommitAsync(Token);
        AssertBytes([.. first, .. Bytes(10, seed: 2)], await Driver.GetContentAsync(path, Token));
    }

    [Theory]
    [InlineData("commit")]
    [InlineData("cancel")]
    [InlineData("dispose")]
    public async Task Writer_AfterTheOpenOneIsCommittedCancelledOrDisposed_OpensAgain(string ending)
    {
        var path = P("upload");
        var writer = await Driver.WriterAsync(path, append: false, Token);
        await using (writer)
        {
            await writer.WriteAsync(Bytes(100, seed: 1), Token);
            await Assert.ThrowsAsync<StorageWriterBusyException>(() => Driver.WriterAsync(path, append: true, Token).AsTask());
            switch (ending)
            {
                case "commit":
                    await writer.CommitAsync(Token);
                    break;
                case "cancel":
                    await writer.CancelAsync(Token);
                    break;
                default:
                    await writer.DisposeAsync();
                    break;
            }

            await using var next = await Driver.WriterAsync(path, append: true, Token);
            Assert.Equal(ending == "cancel" ? 0 : 100, next.Size);
            await next.WriteAsync(new byte[] { 7 }, Token);
            await next.CommitAsync(Token);
        }

        Assert.Equal(ending == "cancel" ? 1 : 101, (await Driver.StatAsync(path, Token)).Size);
    }

    [Fact]
    public async Task Writers_OnDifferentPaths_AreOpenAtTheSameTime()
    {
        string[] paths = [P("dir/one"), P("dir/two"), P("dir/one-more/one"), P("other/one")];
        var writers = new IStorageWriter[paths.Length];
        for (var i = 0; i < paths.Length; i++)
        {
            writers[i] = await Driver.WriterAsync(paths[i], append: false, Token);
        }

        for (var i = 0; i < paths.Length; i++)
        {
            await writers[i].WriteAsync(Bytes(10, seed: i), Token);
            await writers[i].CommitAsync(Token);
            await writers[i].DisposeAsync();
        }

        for (var i = 0; i < paths.Length; i++)
        {
            AssertBytes(Bytes(10, seed: i), await Driver.GetContentAsync(paths[i], Token));
        }
    }

    [Fact]
    public async Task Readers_WhileAWriterIsOpen_AreNotBlocked()
    {
        var path = P("dir/upload");
        var content = Bytes(5000, seed: 1);
        await using var writer = await Driver.WriterAsync(path, append: false, Token);
        await writer.WriteAsync(content, Token);

        await using (var first = await Driver.ReaderAsync(path, 0, Token))
        await using (var second = await Driver.ReaderAsync(path, 4000, Token))
        {
            AssertBytes(content, await ReadToEndAsync(first));
            AssertBytes(content.AsSpan(4000).ToArray(), await ReadToEndAsync(second));
        }

        AssertBytes(content, await Driver.GetContentAsync(path, Token));
        Assert.Equal(5000, (await Driver.StatAsync(path, Token)).Size);
        Assert.Equal([path], await Driver.ListAsync(P("dir"), Token));
        await writer.WriteAsync(content, Token);
        await writer.CommitAsync(Token);
        Assert.Equal(10_000, (await Driver.StatAsync(path, Token)).Size);
    }

    [Fact]
    public async Task Writer_WhoseFileIsMovedAway_FreesThePath_AndKeepsHoldingTheMovedFile()
    {
        var content = Bytes(300, seed: 1);
        await using var writer = await Driver.WriterAsync(P("uploads/u/data"), append: false, Token);
        await writer.WriteAsync(content, Token);
        await writer.FlushAsync(Token);

        await Driver.MoveAsync(P("uploads/u/data"), P("blobs/data"), Token);

        await Assert.ThrowsAsync<StorageWriterBusyException>(() => Driver.WriterAsync(P("blobs/data"), append: true, Token).AsTask());
        await using (var fresh = await Driver.WriterAsync(P("uploads/u/data"), append: true, Token))
        {
            Assert.Equal(0, fresh.Size);
            await fresh.CancelAsync(Token);
        }

        await writer.DisposeAsync();
        AssertBytes(content, await Driver.GetContentAsync(P("blobs/data"), Token));
        await AssertNotFoundAsync(P("uploads"));
    }

    [Fact]
    public async Task Writer_WhoseFileIsDeleted_FreesThePath_AndStillDisposes()
    {
        await using var writer = await Driver.WriterAsync(P("session/data"), append: false, Token);
        await writer.WriteAsync(Bytes(300, seed: 1), Token);

        await Driver.DeleteAsync(P("session"), Token);

        await using (var fresh = await Driver.WriterAsync(P("session/data"), append: true, Token))
        {
            Assert.Equal(0, fresh.Size);
            await fresh.CancelAsync(Token);
        }

        await writer.DisposeAsync();
        await AssertNotFoundAsync(P("session"));
    }

    [Fact]
    public async Task Writer_Flush_KeepsTheWriterOpen_AndThePathHeld()
    {
        var path = P("upload");
        await using var writer = await Driver.WriterAsync(path, append: false, Token);
        await writer.WriteAsync(Bytes(100, seed: 1), Token);

        await writer.FlushAsync(Token);

        Assert.Equal(100, (await Driver.StatAsync(path, Token)).Size);
        await Assert.ThrowsAsync<StorageWriterBusyException>(() => Driver.WriterAsync(path, append: true, Token).AsTask());
        await writer.WriteAsync(Bytes(50, seed: 2), Token);
        await writer.FlushAsync(Token);
        await writer.CommitAsync(Token);
        await Assert.ThrowsAsync<InvalidOperationException>(() => writer.FlushAsync(Token).AsTask());
        AssertBytes([.. Bytes(100, seed: 1), .. Bytes(50, seed: 2)], await Driver.GetContentAsync(path, Token));
    }

    [Fact]
    public async Task Writer_StreamingALargeFile_ReadsBackByteIdentical()
    {
        const int Pieces = 64;
        var path = P("large");
        await using (var writer = await Driver.WriterAsync(path, append: false, Token))
        {
            for (var piece = 0; piece < Pieces; piece++)
            {
                await writer.WriteAsync(Bytes(MiB, seed: piece), Token);
            }

            Assert.Equal((long)Pieces * MiB, writer.Size);
            await writer.CommitAsync(Token);
        }

        Assert.Equal((long)Pieces * MiB, (await Driver.StatAsync(path, Token)).Size);
        var buffer = new byte[MiB];
        await using (var stream = await Driver.ReaderAsync(path, 0, Token))
        {
            for (var piece = 0; piece < Pieces; piece++)
            {
                await stream.ReadExactlyAsync(buffer, Token);
                AssertBytes(Bytes(MiB, seed: piece), buffer, $"piece {piece}");
            }

            Assert.Equal(0, await stream.ReadAsync(buffer, Token));
        }

        await using (var stream = await Driver.ReaderAsync(path, (33L * MiB) + 5, Token))
        {
            await stream.ReadExactlyAsync(buffer.AsMemory(0, MiB - 5), Token);
            AssertBytes(Bytes(MiB, seed: 33).AsSpan(5).ToArray(), buffer.AsSpan(0, MiB - 5).ToArray(), "piece 33 from byte 5");
        }
    }

    [Fact]
    public async Task List_ReturnsTheDirectChildren_SortedOrdinally_WithoutDuplicates()
    {
        string[] files = ["b", "B", "a.txt", "a-b", "_z", "sub/x", "sub/y", "sub/deeper/z", "a/one"];
        foreach (var file in files)
        {
            await Driver.PutContentAsync(P("dir/" + file), Bytes(1, seed: 1), Token);
        }

        var children = await Driver.ListAsync(P("dir"), Token);

        string[] expected = ["B", "_z", "a", "a-b", "a.txt", "b", "sub"];
        Assert.Equal(Array.ConvertAll(expected, name => P("dir/" + name)), children);
        Assert.Equal([P("dir/sub/deeper"), P("dir/sub/x"), P("dir/sub/y")], await Driver.ListAsync(P("dir/sub"), Token));
    }

    [Fact]
    public async Task List_OfTheRoot_ReturnsFullPathsIncludingThePrefix()
    {
        await Driver.PutContentAsync(P("file"), Bytes(1, seed: 1), Token);

        var children = await Driver.ListAsync("/", Token);

        Assert.Contains(Prefix, children);
        Assert.All(children, child => Assert.True(child.Length > 1 && child[0] == '/' && child.IndexOf('/', 1) < 0, child));
        Assert.Equal([P("file")], await Driver.ListAsync(Prefix, Token));
    }

    [Fact]
    public async Task List_OfAMissingDirectory_OrAFile_ThrowsNotFound()
    {
        await Driver.PutContentAsync(P("file"), Bytes(1, seed: 1), Token);

        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.ListAsync(P("missing"), Token).AsTask());
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.ListAsync(P("file"), Token).AsTask());
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.ListAsync(P("file/below"), Token).AsTask());
    }

    [Fact]
    public async Task Move_ReplacesDestination_AndRemovesSource()
    {
        var content = Bytes(2000, seed: 1);
        await Driver.PutContentAsync(P("uploads/1/data"), content, Token);
        await Driver.PutContentAsync(P("blobs/ab/data"), Bytes(10, seed: 2), Token);

        await Driver.MoveAsync(P("uploads/1/data"), P("blobs/ab/data"), Token);

        AssertBytes(content, await Driver.GetContentAsync(P("blobs/ab/data"), Token));
        await AssertNotFoundAsync(P("uploads/1/data"));
        await AssertNotFoundAsync(P("uploads"));
    }

    [Fact]
    public async Task Move_IntoNewDirectories_CreatesThem()
    {
        var content = Bytes(20, seed: 1);
        await Driver.PutContentAsync(P("source"), content, Token);

        await Driver.MoveAsync(P("source"), P("x/y/z/destination"), Token);

        AssertBytes(content, await Driver.GetContentAsync(P("x/y/z/destination"), Token));
        Assert.Equal([P("x")], await Driver.ListAsync(Prefix, Token));
    }

    [Fact]
    public async Task Move_AfterAWriterCommits_PublishesTheWholeUpload()
    {
        var first = Bytes(MiB, seed: 1);
        var second = Bytes(12345, seed: 2);
        await using (var writer = await Driver.WriterAsync(P("uploads/u/data"), append: false, Token))
        {
            await writer.WriteAsync(first, Token);
            await writer.WriteAsync(second, Token);
            await writer.CommitAsync(Token);
        }

        await Driver.MoveAsync(P("uploads/u/data"), P("blobs/data"), Token);

        AssertBytes([.. first, .. second], await Driver.GetContentAsync(P("blobs/data"), Token));
        await AssertNotFoundAsync(P("uploads"));
    }

    [Fact]
    public async Task Move_OfAMissingSource_ThrowsNotFound_AndLeavesTheDestinationAlone()
    {
        var content = Bytes(10, seed: 1);
        await Driver.PutContentAsync(P("destination"), content, Token);

        var exception = await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.MoveAsync(P("missing"), P("destination"), Token).AsTask());
        await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.MoveAsync(P("missing"), P("new/dirs/destination"), Token).AsTask());
        await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.MoveAsync(Prefix, P("elsewhere"), Token).AsTask());

        Assert.Equal(P("missing"), exception.Path);
        AssertBytes(content, await Driver.GetContentAsync(P("destination"), Token));
        Assert.Equal([P("destination")], await Driver.ListAsync(Prefix, Token));
    }

    [Fact]
    public async Task Move_OntoItself_KeepsTheFile()
    {
        var content = Bytes(10, seed: 1);
        await Driver.PutContentAsync(P("file"), content, Token);

        await Driver.MoveAsync(P("file"), P("file"), Token);

        AssertBytes(content, await Driver.GetContentAsync(P("file"), Token));
    }

    [Fact]
    public async Task Delete_OfAFile_RemovesOnlyThatFile()
    {
        await Driver.PutContentAsync(P("dir/gone"), Bytes(10, seed: 1), Token);
        await Driver.PutContentAsync(P("dir/kept"), Bytes(10, seed: 2), Token);

        await Driver.DeleteAsync(P("dir/gone"), Token);

        await AssertNotFoundAsync(P("dir/gone"));
        Assert.Equal([P("dir/kept")], await Driver.ListAsync(P("dir"), Token));
    }

    [Fact]
    public async Task Delete_OfADirectory_RemovesTheWholeTree()
    {
        string[] files = ["tree/a", "tree/b/c", "tree/b/d/e", "tree/f/g"];
        foreach (var file in files)
        {
            await Driver.PutContentAsync(P(file), Bytes(10, seed: 1), Token);
        }

        await using (var writer = await Driver.WriterAsync(P("tree/b/upload"), append: false, Token))
        {
            await writer.WriteAsync(Bytes(10, seed: 2), Token);
        }

        await Driver.PutContentAsync(P("kept"), Bytes(10, seed: 3), Token);

        await Driver.DeleteAsync(P("tree"), Token);

        foreach (var file in files)
        {
            await AssertNotFoundAsync(P(file));
        }

        await AssertNotFoundAsync(P("tree/b"));
        await AssertNotFoundAsync(P("tree"));
        Assert.Equal([P("kept")], await Driver.ListAsync(Prefix, Token));
    }

    [Fact]
    public async Task Delete_OfTheLastFile_ForgetsTheEmptyDirectoriesAboveIt()
    {
        await Driver.PutContentAsync(P("a/b/c/file"), Bytes(1, seed: 1), Token);
        await Driver.PutContentAsync(P("a/kept"), Bytes(1, seed: 1), Token);

        await Driver.DeleteAsync(P("a/b/c/file"), Token);

        await AssertNotFoundAsync(P("a/b/c"));
        await AssertNotFoundAsync(P("a/b"));
        Assert.Equal([P("a/kept")], await Driver.ListAsync(P("a"), Token));
    }

    [Fact]
    public async Task Delete_OfAMissingPath_ThrowsNotFound()
    {
        var exception = await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.DeleteAsync(P("missing"), Token).AsTask());

        Assert.Equal(P("missing"), exception.Path);
    }

    [Fact]
    public async Task Stat_OfAFile_ReportsItsSizeAndModificationTime()
    {
        var before = DateTimeOffset.UtcNow.AddSeconds(-5);
        await Driver.PutContentAsync(P("file"), Bytes(1234, seed: 1), Token);
        var after = DateTimeOffset.UtcNow.AddSeconds(5);

        var info = await Driver.StatAsync(P("file"), Token);

        Assert.Equal(P("file"), info.Path);
        Assert.Equal(1234, info.Size);
        Assert.False(info.IsDirectory);
        Assert.InRange(info.ModifiedAt, before, after);
    }

    [Fact]
    public async Task Stat_OfADirectory_ReportsADirectory()
    {
        await Driver.PutContentAsync(P("dir/file"), Bytes(1234, seed: 1), Token);

        var info = await Driver.StatAsync(P("dir"), Token);

        Assert.Equal(P("dir"), info.Path);
        Assert.True(info.IsDirectory);
        Assert.True((await Driver.StatAsync(Prefix, Token)).IsDirectory);
        Assert.True((await Driver.StatAsync("/", Token)).IsDirectory);
    }

    [Fact]
    public async Task Stat_OfAMissingPath_OrBelowAFile_ThrowsNotFound()
    {
        await Driver.PutContentAsync(P("file"), Bytes(1, seed: 1), Token);

        var exception = await Assert.ThrowsAsync<StoragePathNotFoundException>(
            () => Driver.StatAsync(P("missing"), Token).AsTask());
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync(P("file/below"), Token).AsTask());

        Assert.Equal(P("missing"), exception.Path);
    }

    /// <summary>
    /// Entries the backend holds that the driver may not show (temporary files, empty directories), as the
    /// subclass can see them; the suite requires none to remain after a test. The default sees nothing.
    /// </summary>
    /// <param name="prefix">The test's <see cref="Prefix"/>, for backends shared between tests.</param>
    protected virtual IReadOnlyList<string> ListBackendEntries(string prefix) => [];

    protected abstract IStorageDriver CreateDriver();

    /// <summary>
    /// Deletes the files the test left visible under <see cref="Prefix"/>, one by one, and fails if anything
    /// remains there, through the driver or in <see cref="ListBackendEntries"/>.
    /// </summary>
    protected async Task AssertNothingLeftBehindAsync()
    {
        await DeleteFilesAsync(Prefix);

        IReadOnlyList<string>? visible = null;
        try
        {
            visible = await Driver.ListAsync(Prefix, CancellationToken.None);
        }
        catch (StoragePathNotFoundException)
        {
            // Gone with its last file, as it should be.
        }

        var inRoot = (await Driver.ListAsync("/", CancellationToken.None)).Contains(Prefix);
        var backend = ListBackendEntries(Prefix);
        if (visible is not null || inRoot || backend.Count > 0)
        {
            var listed = visible is null ? "not found" : "[" + string.Join(", ", visible) + "]";
            Assert.Fail(
                $"left behind under {Prefix} after deleting its files: listing it gives {listed}, " +
                $"\"/\" {(inRoot ? "still lists" : "no longer lists")} it, the backend holds [{string.Join(", ", backend)}]");
        }
    }

    /// <summary>A path under this test's <see cref="Prefix"/>.</summary>
    protected string P(string relativePath) => Prefix + "/" + relativePath;

    /// <summary>Deterministic pseudo-random bytes.</summary>
    protected static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected static void AssertBytes(byte[] expected, byte[] actual, string? what = null)
    {
        var mismatch = expected.AsSpan().CommonPrefixLength(actual);
        if (mismatch != expected.Length || actual.Length != expected.Length)
        {
            Assert.Fail($"{what ?? "content"}: expected {expected.Length} bytes, got {actual.Length}; first difference at byte {mismatch}");
        }
    }

    protected async Task AssertNotFoundAsync(string path)
    {
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.StatAsync(path, Token).AsTask());
        await Assert.ThrowsAsync<StoragePathNotFoundException>(() => Driver.GetContentAsync(path, Token).AsTask());
    }

    protected static async Task<byte[]> ReadToEndAsync(Stream stream)
    {
        using var buffer = new MemoryStream();
        await stream.CopyToAsync(buffer, Token);
        return buffer.ToArray();
    }

    private static async Task AssertRejectedAsync(Func<Task> call)
    {
        var exception = await Assert.ThrowsAnyAsync<ArgumentException>(call);
        Assert.IsNotType<ArgumentOutOfRangeException>(exception);
    }

    private static void AssertOneWholeVersion(byte[] content, int length, int versions)
    {
        Assert.Equal(length, content.Length);
        var version = content[0];
        Assert.InRange(version, 1, versions);
        var mixedAt = content.AsSpan().IndexOfAnyExcept(version);
        Assert.True(mixedAt < 0, $"version {version} mixed with another at byte {mixedAt}");
    }

    private async Task DeleteFilesAsync(string directory)
    {
        IReadOnlyList<string> children;
        try
        {
            children = await Driver.ListAsync(directory, CancellationToken.None);
        }
        catch (StoragePathNotFoundException)
        {
            return;
        }

        foreach (var child in children)
        {
            StorageFileInfo info;
            try
            {
                info = await Driver.StatAsync(child, CancellationToken.None);
            }
            catch (StoragePathNotFoundException)
            {
                // A file deleted earlier took this (empty) directory with it.
                continue;
            }

            if (info.IsDirectory)
            {
                await DeleteFilesAsync(child);
            }
            else
            {
                await Driver.DeleteAsync(child, CancellationToken.None);
            }
        }
    }
}
