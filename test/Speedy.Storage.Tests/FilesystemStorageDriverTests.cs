using System.Diagnostics;
using Speedy.Storage.Filesystem;

namespace Speedy.Storage.Tests;

/// <summary>
/// The conformance suite over a fresh temporary root per test, which must be empty on disk when the test ends,
/// plus what only a real filesystem can show: crash leftovers, symbolic links, on-disk pruning, writers excluded
/// across processes.
/// </summary>
public sealed class FilesystemStorageDriverTests : StorageDriverConformanceTests
{
    /// <summary>
    /// Takes a POSIX write lock on the whole file <c>$ARGV[0]</c> (non-blocking), prints "locked" or exits 3 saying
    /// "busy"; with <c>$ARGV[1]</c> = "hold" it then keeps the lock until killed. Classic POSIX record locks and the
    /// driver's open file description locks are the same kind of lock to the kernel, so each excludes the other.
    /// perl-base is an essential Debian package, so perl is there wherever the CI runs.
    /// </summary>
    private const string PerlLockScript = """
        use Fcntl;
        open(my $file, "+<", $ARGV[0]) or die "cannot open $ARGV[0]: $!";
        my $lock = pack("s s x4 q q l x4", F_WRLCK, SEEK_SET, 0, 0, 0);
        if (!fcntl($file, F_SETLK, $lock)) { print "busy\n"; exit 3; }
        $| = 1;
        print "locked\n";
        sleep 600 if ($ARGV[1] // "") eq "hold";
        """;

    private static readonly EnumerationOptions s_everything = new()
    {
        AttributesToSkip = 0,
        IgnoreInaccessible = false,
        RecurseSubdirectories = true,
    };

    private readonly string _root;
    private readonly string _outside;

    public FilesystemStorageDriverTests()
    {
        var unique = Guid.NewGuid().ToString("N");
        _root = Path.Combine(Path.GetTempPath(), "speedy-fs-" + unique);
        _outside = Path.Combine(Path.GetTempPath(), "speedy-fs-outside-" + unique);
    }

    public override async ValueTask DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        finally
        {
            DeleteDirectory(_root);
            DeleteDirectory(_outside);
        }
    }

    [Fact]
    public async Task InterruptedPutContent_LeavesATemporaryFile_ThatListStatAndGetNeverShow()
    {
        var committed = Bytes(100, seed: 1);
        await Driver.PutContentAsync(P("dir/file"), committed, Token);
        var temporaryName = FilesystemStorageDriver.TemporaryFilePrefix + Guid.NewGuid().ToString("N");
        var temporary = OnDisk(P("dir/" + temporaryName));
        await File.WriteAllBytesAsync(temporary, Bytes(30, seed: 2), Token);

        Assert.Equal([P("dir/file")], await Driver.ListAsync(P("dir"), Token));
        AssertBytes(committed, await Driver.GetContentAsync(P("dir/file"), Token));
        Assert.Equal(100, (await Driver.StatAsync(P("dir/file"), Token)).Size);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Driver.StatAsync(P("dir/" + temporaryName), Token).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Driver.GetContentAsync(P("dir/" + temporaryName), Token).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Driver.ReaderAsync(P("dir/" + temporaryName), 0, Token).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Driver.DeleteAsync(P("dir/" + temporaryName), Token).AsTask());

        File.Delete(temporary);
    }

    [Fact]
    public async Task LeftBehindCheck_FailsOnAStrayTemporaryFile()
    {
        await Driver.PutContentAsync(P("dir/file"), Bytes(1, seed: 1), Token);
        var temporary = OnDisk(P("dir/" + FilesystemStorageDriver.TemporaryFilePrefix + "stray"));
        await File.WriteAllBytesAsync(temporary, Bytes(1, seed: 2), Token);

        await Assert.ThrowsAnyAsync<Exception>(AssertNothingLeftBehindAsync);

        File.Delete(temporary);
        Directory.Delete(OnDisk(P("dir")), recursive: false);
        Directory.Delete(OnDisk(Prefix), recursive: false);
    }

    [Fact]
    public async Task PutContent_WhenTheRenameFails_LeavesNoTemporaryFile()
    {
        await Driver.PutContentAsync(P("target/child"), Bytes(1, seed: 1), Token);

        await Assert.ThrowsAnyAsync<IOException>(() => Driver.PutContentAsync(P("target"), Bytes(10, seed: 2), Token).AsTask());

        Assert.Equal([OnDisk(P("target"))], Directory.GetFileSystemEntries(OnDisk(Prefix)));
    }

    [Fact]
    public async Task PutContent_BelowAFile_ThrowsIOException_AndCreatesNothing()
    {
        await Driver.PutContentAsync(P("file"), Bytes(1, seed: 1), Token);

        await Assert.ThrowsAnyAsync<IOException>(() => Driver.PutContentAsync(P("file/below"), Bytes(1, seed: 2), Token).AsTask());

        Assert.Equal([OnDisk(P("file"))], Directory.GetFileSystemEntries(OnDisk(Prefix)));
    }

    [Theory]
    [InlineData("/../escaped")]
    [InlineData("/a/../../escaped")]
    [InlineData("/a/..\\..\\escaped")]
    [InlineData("\\..\\escaped")]
    [InlineData("/" + FilesystemStorageDriver.TemporaryFilePrefix + "x")]
    [InlineData("/a/" + FilesystemStorageDriver.TemporaryFilePrefix + "x/b")]
    public async Task TraversalAndReservedPaths_AreRejected_BeforeTouchingTheDisk(string path)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Driver.PutContentAsync(path, Bytes(1, seed: 1), Token).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Driver.WriterAsync(path, append: true, Token).AsTask());

        Assert.False(File.Exists(Path.GetFullPath(Path.Combine(_root, "..", "escaped"))));
        Assert.Empty(Directory.GetFileSystemEntries(_root));
    }

    [Fact]
    public async Task SymlinkedDirectory_InsideTheRoot_CannotLeadOutside()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "creating symbolic links needs privileges on Windows");
        var secret = CreateOutsideSecret();
        await Driver.PutContentAsync(P("anchor"), Bytes(1, seed: 1), Token);
        var link = OnDisk(P("link"));
        Directory.CreateSymbolicLink(link, _outside);

        await AssertRefusedAsync(() => Driver.GetContentAsync(P("link/secret"), Token).AsTask());
        await AssertRefusedAsync(() => Driver.ReaderAsync(P("link/secret"), 0, Token).AsTask());
        await AssertRefusedAsync(() => Driver.StatAsync(P("link/secret"), Token).AsTask());
        await AssertRefusedAsync(() => Driver.StatAsync(P("link"), Token).AsTask());
        await AssertRefusedAsync(() => Driver.ListAsync(P("link"), Token).AsTask());
        await AssertRefusedAsync(() => Driver.PutContentAsync(P("link/planted"), Bytes(1, seed: 2), Token).AsTask());
        await AssertRefusedAsync(() => Driver.PutContentAsync(P("link/secret"), Bytes(1, seed: 2), Token).AsTask());
        await AssertRefusedAsync(() => Driver.WriterAsync(P("link/secret"), append: false, Token).AsTask());
        await AssertRefusedAsync(() => Driver.WriterAsync(P("link/deeper/planted"), append: true, Token).AsTask());
        await AssertRefusedAsync(() => Driver.MoveAsync(P("link/secret"), P("stolen"), Token).AsTask());
        await AssertRefusedAsync(() => Driver.MoveAsync(P("anchor"), P("link/planted"), Token).AsTask());
        await AssertRefusedAsync(() => Driver.DeleteAsync(P("link/secret"), Token).AsTask());
        await AssertRefusedAsync(() => Driver.DeleteAsync(P("link"), Token).AsTask());

        Assert.Equal([P("anchor")], await Driver.ListAsync(Prefix, Token));
        Assert.Equal("secret", await File.ReadAllTextAsync(secret, Token));
        Assert.Equal([secret], Directory.GetFileSystemEntries(_outside, "*", s_everything));
        File.Delete(link);
    }

    [Fact]
    public async Task SymlinkedFile_InsideTheRoot_IsRefused()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "creating symbolic links needs privileges on Windows");
        var secret = CreateOutsideSecret();
        await Driver.PutContentAsync(P("anchor"), Bytes(1, seed: 1), Token);
        var link = OnDisk(P("file-link"));
        File.CreateSymbolicLink(link, secret);

        await AssertRefusedAsync(() => Driver.GetContentAsync(P("file-link"), Token).AsTask());
        await AssertRefusedAsync(() => Driver.PutContentAsync(P("file-link"), Bytes(1, seed: 2), Token).AsTask());
        await AssertRefusedAsync(() => Driver.WriterAsync(P("file-link"), append: true, Token).AsTask());
        await AssertRefusedAsync(() => Driver.MoveAsync(P("anchor"), P("file-link"), Token).AsTask());

        Assert.Equal([P("anchor")], await Driver.ListAsync(Prefix, Token));
        Assert.Equal("secret", await File.ReadAllTextAsync(secret, Token));
        File.Delete(link);
    }

    [Fact]
    public async Task Delete_OfADirectoryHoldingALink_RemovesTheLink_NotItsTarget()
    {
        Assert.SkipWhen(OperatingSystem.IsWindows(), "creating symbolic links needs privileges on Windows");
        var secret = CreateOutsideSecret();
        await Driver.PutContentAsync(P("tree/file"), Bytes(1, seed: 1), Token);
        Directory.CreateSymbolicLink(OnDisk(P("tree/directory-link")), _outside);
        File.CreateSymbolicLink(OnDisk(P("tree/file-link")), secret);

        await Driver.DeleteAsync(P("tree"), Token);

        Assert.False(Directory.Exists(OnDisk(P("tree"))));
        Assert.Equal("secret", await File.ReadAllTextAsync(secret, Token));
    }

    [Fact]
    public async Task Delete_OfTheLastFile_RemovesTheEmptyDirectoriesOnDisk_ButKeepsTheRoot()
    {
        await Driver.PutContentAsync(P("a/b/c/file"), Bytes(1, seed: 1), Token);

        await Driver.DeleteAsync(P("a/b/c/file"), Token);

        Assert.False(Directory.Exists(OnDisk(Prefix)));
        Assert.True(Directory.Exists(_root));
    }

    [Fact]
    public async Task Delete_OfTheRoot_EmptiesTheTree_ButKeepsTheRoot()
    {
        await Driver.PutContentAsync(P("a/b"), Bytes(1, seed: 1), Token);
        await Driver.PutContentAsync("/other", Bytes(1, seed: 1), Token);
        await File.WriteAllBytesAsync(OnDisk(P("a/" + FilesystemStorageDriver.TemporaryFilePrefix + "stray")), [1], Token);

        await Driver.DeleteAsync("/", Token);

        Assert.Empty(Directory.GetFileSystemEntries(_root));
        Assert.Empty(await Driver.ListAsync("/", Token));
    }

    [Fact]
    public async Task List_OfTheRoot_WhenTheRootDirectoryIsMissing_IsEmpty()
    {
        Directory.Delete(_root);

        Assert.Empty(await Driver.ListAsync("/", Token));

        await Driver.PutContentAsync(P("file"), Bytes(1, seed: 1), Token);
        Assert.Equal([P("file")], await Driver.ListAsync(Prefix, Token));
    }

    [Fact]
    public async Task Writer_Dispose_KeepsTheBytesOnDisk_ForAnotherDriverToResume()
    {
        await using (var writer = await Driver.WriterAsync(P("upload"), append: false, Token))
        {
            await writer.WriteAsync(Bytes(10, seed: 1), Token);
        }

        var other = new FilesystemStorageDriver(_root);
        await using (var writer = await other.WriterAsync(P("upload"), append: true, Token))
        {
            Assert.Equal(10, writer.Size);
            await writer.WriteAsync(Bytes(5, seed: 2), Token);
            await writer.CommitAsync(Token);
        }

        AssertBytes([.. Bytes(10, seed: 1), .. Bytes(5, seed: 2)], await File.ReadAllBytesAsync(OnDisk(P("upload")), Token));
    }

    [Fact]
    public async Task Writer_WhileAnotherProcessHoldsTheFileLocked_ThrowsBusy_UntilThatProcessIsKilled()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "writers exclude each other across processes on Linux only");
        var path = P("uploads/u/data");
        await using (var writer = await Driver.WriterAsync(path, append: false, Token))
        {
            await writer.WriteAsync(Bytes(100, seed: 1), Token);
        }

        using var holder = StartPerlLock(OnDisk(path), hold: true);
        Assert.Equal("locked", await holder.StandardOutput.ReadLineAsync(Token));

        await Assert.ThrowsAsync<StorageWriterBusyException>(() => Driver.WriterAsync(path, append: true, Token).AsTask());
        await Assert.ThrowsAsync<StorageWriterBusyException>(() => Driver.WriterAsync(path, append: false, Token).AsTask());
        Assert.Equal(100, (await Driver.StatAsync(path, Token)).Size);
        await using (var reader = await Driver.ReaderAsync(path, 0, Token))
        {
            AssertBytes(Bytes(100, seed: 1), await ReadToEndAsync(reader));
        }

        holder.Kill();
        await holder.WaitForExitAsync(Token);

        await using (var writer = await Driver.WriterAsync(path, append: true, Token))
        {
            Assert.Equal(100, writer.Size);
            await writer.CommitAsync(Token);
        }
    }

    [Fact]
    public async Task Writer_HoldsOffAnotherProcess_UntilItIsCommittedCancelledOrDisposed()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "writers exclude each other across processes on Linux only");
        var path = P("upload");
        foreach (var ending in new[] { "commit", "dispose", "cancel" })
        {
            var writer = await Driver.WriterAsync(path, append: true, Token);
            await using (writer)
            {
                await writer.WriteAsync(Bytes(10, seed: 1), Token);
                Assert.Equal(("busy", 3), await RunPerlLockAsync(OnDisk(path)));
                switch (ending)
                {
                    case "commit":
                        await writer.CommitAsync(Token);
                        break;
                    case "dispose":
                        await writer.DisposeAsync();
                        break;
                    default:
                        await writer.CancelAsync(Token);
                        break;
                }
            }

            if (ending != "cancel")
            {
                Assert.Equal(("locked", 0), await RunPerlLockAsync(OnDisk(path)));
            }
        }

        await AssertNotFoundAsync(path);
    }

    [Fact]
    public async Task Writer_OfAnotherDriverOnTheSameRoot_ThrowsBusy()
    {
        var other = new FilesystemStorageDriver(_root);
        await using var writer = await Driver.WriterAsync(P("upload"), append: false, Token);
        await writer.WriteAsync(Bytes(10, seed: 1), Token);

        await Assert.ThrowsAsync<StorageWriterBusyException>(() => other.WriterAsync(P("upload"), append: true, Token).AsTask());

        await writer.CommitAsync(Token);
        await using var next = await other.WriterAsync(P("upload"), append: true, Token);
        Assert.Equal(10, next.Size);
        await next.CancelAsync(Token);
    }

    [Fact]
    public async Task DirectWrites_LargeWritesAtUnalignedOffsets_ReadBack_AndResume()
    {
        var direct = new FilesystemStorageDriver(_root, directWrites: true);
        var content = new byte[(5 << 20) + 4099];
        new Random(12).NextBytes(content);
        int[] pieces = [(1 << 20) + 5, 2 << 20, 100, (2 << 20) - 3];
        await using (var writer = await direct.WriterAsync(P("upload"), append: false, Token))
        {
            var offset = 0;
            foreach (var piece in pieces)
            {
                await writer.WriteAsync(content.AsMemory(offset, piece), Token);
                offset += piece;
                Assert.Equal(offset, writer.Size);
            }
        }

        await using (var resumed = await direct.WriterAsync(P("upload"), append: true, Token))
        {
            var written = pieces.Sum();
            Assert.Equal(written, resumed.Size);
            await resumed.WriteAsync(content.AsMemory(written), Token);
            await resumed.CommitAsync(Token);
        }

        Assert.Equal(content, await direct.GetContentAsync(P("upload"), Token));
        Assert.Equal(content, await File.ReadAllBytesAsync(OnDisk(P("upload")), Token));
        await direct.DeleteAsync(P("upload"), Token);
    }

    protected override IStorageDriver CreateDriver() => new FilesystemStorageDriver(_root);

    /// <summary>Everything on disk under the root: the root is this test's alone, so it must end up empty.</summary>
    protected override IReadOnlyList<string> ListBackendEntries(string prefix) =>
        Directory.Exists(_root) ? Directory.GetFileSystemEntries(_root, "*", s_everything) : [];

    private static async Task AssertRefusedAsync(Func<Task> call) =>
        await Assert.ThrowsAsync<UnauthorizedAccessException>(call);

    private static void DeleteDirectory(string directory)
    {
        if (Directory.Exists(directory))
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static Process StartPerlLock(string file, bool hold)
    {
        var startInfo = new ProcessStartInfo("perl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.ArgumentList.Add("-e");
        startInfo.ArgumentList.Add(PerlLockScript);
        startInfo.ArgumentList.Add(file);
        startInfo.ArgumentList.Add(hold ? "hold" : "probe");
        return Process.Start(startInfo) ?? throw new InvalidOperationException("perl did not start");
    }

    /// <summary>Whether another process can lock <paramref name="file"/> right now: its answer and exit code.</summary>
    private static async Task<(string? Answer, int ExitCode)> RunPerlLockAsync(string file)
    {
        using var probe = StartPerlLock(file, hold: false);
        var answer = await probe.StandardOutput.ReadLineAsync(Token);
        await probe.WaitForExitAsync(Token);
        return (answer, probe.ExitCode);
    }

    private string OnDisk(string path) => _root + path.Replace('/', Path.DirectorySeparatorChar);

    private string CreateOutsideSecret()
    {
        Directory.CreateDirectory(_outside);
        var secret = Path.Combine(_outside, "secret");
        File.WriteAllText(secret, "secret");
        return secret;
    }
}
