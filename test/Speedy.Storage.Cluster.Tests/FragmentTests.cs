using Speedy.MetaServer;
using Speedy.Testing;

namespace Speedy.Storage.Cluster.Tests;

/// <summary>What the <c>speedy</c> driver does beyond the storage contract: fragments, resuming, ranges, retries.</summary>
public sealed class FragmentTests(TestCluster cluster) : IClassFixture<TestCluster>, IAsyncDisposable
{
    private const int FragmentBytes = 64 << 10;

    private readonly string _prefix = "/fragments-" + Guid.NewGuid().ToString("N");
    private readonly ClusterStorageDriver _driver = new(cluster.DriverOptions(FragmentBytes));
    private readonly MetaClient _meta = new(new MetaClientOptions { Servers = [cluster.MetaUrl] });

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Writer_CutsTheStreamIntoFragments_RecordedInOrderWithTheirCrc()
    {
        var content = Bytes((10 * FragmentBytes) + 123, seed: 1);
        await WriteAsync(P("blob"), content);

        var entry = await _meta.GetAsync(P("blob"), Token);

        Assert.NotNull(entry);
        Assert.True(entry.IsComplete);
        Assert.Equal(11, entry.Fragments.Count);
        Assert.All(entry.Fragments.Take(10), fragment => Assert.Equal(FragmentBytes, fragment.Length));
        Assert.Equal(123, entry.Fragments[10].Length);
        for (var i = 0; i < entry.Fragments.Count; i++)
        {
            var fragment = entry.Fragments[i];
            Assert.Equal(IO.Crc32C.Compute(content.AsSpan((int)fragment.Offset, fragment.Length)), fragment.Crc32C);
        }

        Assert.Equal(content, await _driver.GetContentAsync(P("blob"), Token));
    }

    [Fact]
    public async Task Move_IsARename_TheFragmentsStayWhereTheyAre()
    {
        await WriteAsync(P("uploads/u/data"), Bytes(3 * FragmentBytes, seed: 2));
        var before = await _meta.GetAsync(P("uploads/u/data"), Token);

        await _driver.MoveAsync(P("uploads/u/data"), P("blobs/b/data"), Token);

        var after = await _meta.GetAsync(P("blobs/b/data"), Token);
        Assert.Equal(before!.Fragments, after!.Fragments);
    }

    [Fact]
    public async Task Upload_ResumesInAnotherDriver_AfterTheFirstIsGone()
    {
        var first = Bytes((2 * FragmentBytes) + 500, seed: 3);
        var second = Bytes(FragmentBytes + 7, seed: 4);
        await using (var registryA = new ClusterStorageDriver(cluster.DriverOptions(FragmentBytes)))
        await using (var writer = await registryA.WriterAsync(P("upload"), append: false, Token))
        {
            await writer.WriteAsync(first, Token);
        }

        await using (var writer = await _driver.WriterAsync(P("upload"), append: true, Token))
        {
            Assert.Equal(first.Length, writer.Size);
            await writer.WriteAsync(second, Token);
            await writer.CommitAsync(Token);
        }

        byte[] expected = [.. first, .. second];
        Assert.Equal(expected, await _driver.GetContentAsync(P("upload"), Token));
    }

    [Fact]
    public async Task Upload_WithAGapLeftByACrash_ResumesAfterTheContiguousFragments()
    {
        var content = Bytes(3 * FragmentBytes, seed: 5);
        await WriteAsync(P("upload"), content);
        var entry = await _meta.GetAsync(P("upload"), Token);
        var fragments = entry!.Fragments;
        await _meta.DeleteAsync(P("upload"), Token);
        await _meta.AppendFragmentsAsync(P("upload"), [fragments[0], fragments[2]], Token);

        await using (var writer = await _driver.WriterAsync(P("upload"), append: true, Token))
        {
            Assert.Equal(FragmentBytes, writer.Size);
            await writer.WriteAsync(content.AsMemory(FragmentBytes), Token);
            await writer.CommitAsync(Token);
        }

        Assert.Equal(content, await _driver.GetContentAsync(P("upload"), Token));
    }

    [Fact]
    public async Task RangeRead_FetchesOnlyTheFragmentsItCovers()
    {
        var content = Bytes(20 * FragmentBytes, seed: 6);
        await WriteAsync(P("blob"), content);
        var start = (5L * FragmentBytes) + 10;
        var reads = _driver.Fragments.Reads;

        await using (var stream = await _driver.ReaderAsync(P("blob"), start, FragmentBytes, Token))
        {
            var range = new byte[FragmentBytes];
            await stream.ReadExactlyAsync(range, Token);
            Assert.Equal(content.AsSpan((int)start, FragmentBytes).ToArray(), range);
            Assert.Equal(0, await stream.ReadAsync(new byte[1], Token));
        }

        Assert.Equal(2, _driver.Fragments.Reads - reads);
    }

    [Fact]
    public async Task DeadImageServer_AmongTheLiveOne_CostsRetriesNotFailures()
    {
        var options = cluster.DriverOptions(FragmentBytes);
        options.ImageServers.Insert(0, FreePort.DeadUrl().ToString());
        await using var driver = new ClusterStorageDriver(options);
        var content = Bytes(8 * FragmentBytes, seed: 7);

        await using (var writer = await driver.WriterAsync(P("blob"), append: false, Token))
        {
            await writer.WriteAsync(content, Token);
            await writer.CommitAsync(Token);
        }

        Assert.Equal(content, await driver.GetContentAsync(P("blob"), Token));
        Assert.True(driver.FragmentRetries > 0, "half the first attempts went to the dead image server");
    }

    [Fact]
    public async Task NoImageServer_FailsTheWriter_WithStorageUnavailable()
    {
        var options = cluster.DriverOptions(FragmentBytes);
        options.ImageServers = [FreePort.DeadUrl().ToString()];
        options.Attempts = 2;
        await using var driver = new ClusterStorageDriver(options);
        await using var writer = await driver.WriterAsync(P("blob"), append: false, Token);

        await writer.WriteAsync(Bytes(FragmentBytes + 1, seed: 8), Token);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => writer.FlushAsync(Token).AsTask());
        await Assert.ThrowsAsync<StorageUnavailableException>(() => writer.WriteAsync(new byte[1], Token).AsTask());
        await writer.CancelAsync(Token);
    }

    [Fact]
    public async Task NoMetaServer_IsStorageUnavailable_NotAHang()
    {
        var options = cluster.DriverOptions(FragmentBytes);
        options.MetaServers = [FreePort.DeadUrl().ToString()];
        await using var driver = new ClusterStorageDriver(options);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => driver.StatAsync(P("blob"), Token).AsTask());
        await Assert.ThrowsAsync<StorageUnavailableException>(() => driver.PutContentAsync(P("blob"), new byte[] { 1 }, Token).AsTask());
    }

    [Fact]
    public async Task PutContent_LargerThanTheInlineLimit_IsStoredAsFragments()
    {
        var content = Bytes(MetaLimits.MaxInlineLength + 1, seed: 9);

        await _driver.PutContentAsync(P("big"), content, Token);

        var entry = await _meta.GetAsync(P("big"), Token);
        Assert.False(entry!.IsInline);
        Assert.Equal(content, await _driver.GetContentAsync(P("big"), Token));
    }

    [Theory]
    [InlineData(LocalCopy.Throws)]
    [InlineData(LocalCopy.Missing)]
    public async Task LocalSource_IsAskedFirst_AndAFailedOrMissingCopyOrAFailedUploadFallsBackToTheImageServers(LocalCopy copy)
    {
        var content = Bytes(5 * FragmentBytes, seed: 10);
        var local = new FakeLocalSource(copy);
        await using var driver = new ClusterStorageDriver(cluster.DriverOptions(FragmentBytes), local);
        await using (var writer = await driver.WriterAsync(P("blob"), append: false, Token))
        {
            await writer.WriteAsync(content, Token);
            await writer.CommitAsync(Token);
        }

        Assert.Equal(content, await driver.GetContentAsync(P("blob"), Token));

        Assert.Equal(5, local.Uploads);
        Assert.Equal(5, local.Asked);
        Assert.Equal(0, driver.FragmentRetries);
    }

    [Fact]
    public async Task Read_WithTheReadAheadBudgetSpent_FetchesOneFragmentAtATime_AndReturnsEveryByte()
    {
        var content = Bytes((6 * FragmentBytes) + 77, seed: 12);
        await WriteAsync(P("blob"), content);
        var options = cluster.DriverOptions(FragmentBytes);
        options.ReadAheadBytes = 0;
        await using var driver = new ClusterStorageDriver(options);

        var readers = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => driver.GetContentAsync(P("blob"), Token).AsTask()));

        Assert.All(readers, read => Assert.Equal(content, read));
        Assert.Equal(4 * 7, driver.Fragments.Reads);
    }

    [Fact]
    public async Task LocalSource_ACorruptCopyOnTheReplicaReadFirst_IsReadFromAnotherReplica()
    {
        var content = Bytes(3 * FragmentBytes, seed: 11);
        await using var driver = new ClusterStorageDriver(cluster.DriverOptions(FragmentBytes), cluster.LocalFragments);
        await using (var writer = await driver.WriterAsync(P("blob"), append: false, Token))
        {
            await writer.WriteAsync(content, Token);
            await writer.CommitAsync(Token);
        }

        Assert.True(FlipByteIn(cluster.FirstChunkServerDirectory, content.AsSpan(FragmentBytes + 1000, 64)), "the fragment is in the first member's volume");

        Assert.Equal(content, await driver.GetContentAsync(P("blob"), Token));
        Assert.Equal(0, driver.FragmentRetries);
    }

    [Fact]
    public async Task LocalSource_ReadsWholeFragmentsIntoTheCallersBuffer_AndMixedReadSizesStillReturnEveryByteInOrder()
    {
        var content = Bytes((5 * FragmentBytes) + 321, seed: 13);
        await using var driver = new ClusterStorageDriver(cluster.DriverOptions(FragmentBytes), cluster.LocalFragments);
        await using (var writer = await driver.WriterAsync(P("blob"), append: false, Token))
        {
            await writer.WriteAsync(content, Token);
            await writer.CommitAsync(Token);
        }

        Assert.Equal(FragmentBytes, ((IStorageDriver)driver).PreferredReadSize);
        foreach (var start in new[] { 0L, 17L, FragmentBytes })
        {
            await using var reader = await driver.ReaderAsync(P("blob"), start, Token);
            var read = new MemoryStream();
            var buffer = new byte[FragmentBytes + 5];
            int[] sizes = [FragmentBytes + 5, 100, FragmentBytes, FragmentBytes - 100, 3];
            for (var i = 0; ; i++)
            {
                var got = await reader.ReadAsync(buffer.AsMemory(0, sizes[i % sizes.Length]), Token);
                if (got == 0)
                {
                    break;
                }

                read.Write(buffer, 0, got);
            }

            Assert.Equal(content.AsSpan((int)start).ToArray(), read.ToArray());
        }
    }

    /// <summary>Flips a byte of the first volume file under <paramref name="directory"/> that holds <paramref name="marker"/>.</summary>
    private static bool FlipByteIn(string directory, ReadOnlySpan<byte> marker)
    {
        foreach (var path in Directory.GetFiles(directory, "*.dat", SearchOption.AllDirectories))
        {
            var bytes = File.ReadAllBytes(path);
            var at = bytes.AsSpan().IndexOf(marker);
            if (at >= 0)
            {
                using var file = File.OpenHandle(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                RandomAccess.Write(file, new[] { (byte)~bytes[at] }, at);
                return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        await _meta.DeleteAsync(_prefix, CancellationToken.None);
        await _meta.DisposeAsync();
        await _driver.DisposeAsync();
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private string P(string relative) => _prefix + "/" + relative;

    private async Task WriteAsync(string path, byte[] content)
    {
        await using var writer = await _driver.WriterAsync(path, append: false, Token);
        await writer.WriteAsync(content, Token);
        await writer.CommitAsync(Token);
    }

    public enum LocalCopy
    {
        Throws,
        Missing,
    }

    private sealed class FakeLocalSource(LocalCopy copy) : ILocalFragmentSource
    {
        private int _asked;
        private int _uploads;

        public int Asked => _asked;

        public int Uploads => _uploads;

        public Task<string> UploadAsync(ReadOnlyMemory<byte> data, uint crc, int index, long offset, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _uploads);
            return Task.FromException<string>(new IOException("no writable group"));
        }

        public ValueTask<bool> TryReadAsync(string fid, uint crc, Memory<byte> destination, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _asked);
            destination.Span.Fill(0x5a);
            return copy == LocalCopy.Throws
                ? ValueTask.FromException<bool>(new IOException("volume closed"))
                : ValueTask.FromResult(false);
        }
    }
}
