using System.Collections.Concurrent;
using Speedy.Testing;

namespace Speedy.Volume.Tests;

public class GroupCommitTests
{
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(30);

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Append_FromManyConcurrentWriters_IsBatchedIntoFewSyncs()
    {
        using var directory = new TempDirectory();
        var armed = false;
        var writes = 0;
        var syncs = 0;
        using var allWritten = new ManualResetEventSlim();
        var faults = new VolumeFaults
        {
            Write = (_, _) =>
            {
                if (Volatile.Read(ref armed) && Interlocked.Increment(ref writes) == 64)
                {
                    allWritten.Set();
                }

                return null;
            },
            Sync = () =>
            {
                // The first sync waits until every writer has written: the rest must share one more sync.
                if (Volatile.Read(ref armed) && Interlocked.Increment(ref syncs) == 1)
                {
                    allWritten.Wait(s_patience);
                }

                return null;
            },
        };
        await using var volume = TestVolumes.Create(directory, faults: faults);
        Volatile.Write(ref armed, true);

        var appends = Enumerable.Range(1, 64).Select(i => Task.Run(async () => await volume.AppendAsync((ulong)i), Token)).ToArray();
        await Task.WhenAll(appends);

        Assert.True(syncs <= 2, $"{syncs} syncs for 64 appends");
        for (ulong id = 1; id <= 64; id++)
        {
            Assert.Equal(TestVolumes.Data(id), volume.Read(id));
        }
    }

    [Fact]
    public async Task Append_IsNotAcknowledgedOrReadableUntilItsSyncSucceeds()
    {
        using var directory = new TempDirectory();
        using var syncing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var hold = false;
        var faults = new VolumeFaults
        {
            Sync = () =>
            {
                if (Volatile.Read(ref hold))
                {
                    syncing.Set();
                    release.Wait(s_patience);
                }

                return null;
            },
        };
        await using var volume = TestVolumes.Create(directory, faults: faults);
        Volatile.Write(ref hold, true);

        var append = volume.AppendAsync(1).AsTask();
        Assert.True(syncing.Wait(s_patience, Token));

        Assert.False(append.IsCompleted);
        Assert.Null(volume.Read(1));
        Assert.True(volume.DurableOffset < volume.WrittenOffset);
        Assert.Equal(volume.WrittenOffset, volume.Tail);

        release.Set();
        await append;
        Assert.Equal(volume.Tail, volume.DurableOffset);
        Assert.Equal(TestVolumes.Data(1), volume.Read(1));
    }

    [Fact]
    public async Task Append_AfterAnEarlierWriteStalls_WaitsForItEvenWithoutSync()
    {
        using var directory = new TempDirectory();
        using var writing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var stallNext = false;
        var faults = new VolumeFaults
        {
            Write = (_, _) =>
            {
                if (Interlocked.Exchange(ref stallNext, false))
                {
                    writing.Set();
                    release.Wait(s_patience);
                }

                return null;
            },
        };
        await using var volume = TestVolumes.Create(directory, SyncPolicy.None, faults: faults);
        var start = volume.Tail;
        Volatile.Write(ref stallNext, true);

        var first = Task.Run(async () => await volume.AppendAsync(1), Token);
        Assert.True(writing.Wait(s_patience, Token));
        var second = volume.AppendAsync(2).AsTask();

        Assert.False(second.IsCompleted);
        Assert.Equal(start, volume.WrittenOffset);
        Assert.Null(volume.Read(2));

        release.Set();
        await Task.WhenAll(first, second);
        Assert.Equal(volume.Tail, volume.DurableOffset);
        Assert.NotNull(volume.Read(2));
    }

    [Fact]
    public async Task Append_AfterFsyncFailure_TruncatesToPreviousEnd()
    {
        using var directory = new TempDirectory();
        var failNext = false;
        var faults = new VolumeFaults
        {
            Sync = () => Interlocked.Exchange(ref failNext, false) ? new IOException("Input/output error", 5) : null,
        };
        long durableEnd;
        await using (var volume = TestVolumes.Create(directory, faults: faults))
        {
            await volume.AppendAsync(1);
            durableEnd = volume.DurableOffset;
            Volatile.Write(ref failNext, true);

            var error = await Assert.ThrowsAsync<IOException>(async () => await volume.AppendAsync(2));

            Assert.Contains("fdatasync failed", error.Message, StringComparison.Ordinal);
            Assert.Equal(durableEnd, volume.Tail);
            Assert.Equal(durableEnd, volume.WrittenOffset);
            Assert.Equal(durableEnd, new FileInfo(TestVolumes.DataPath(directory)).Length);
            Assert.Null(volume.Read(2));
            Assert.False(volume.IsSealed);

            await volume.AppendAsync(3);
            Assert.Equal(TestVolumes.Data(1), volume.Read(1));
            Assert.Equal(TestVolumes.Data(3), volume.Read(3));
        }

        File.Delete(TestVolumes.IndexPath(directory));
        await using var reopened = TestVolumes.Open(directory);
        Assert.Equal(2, reopened.NeedleCount);
        Assert.Null(reopened.Read(2));
    }

    [Fact]
    public async Task Append_AfterFsyncFailure_FailsEveryAppendOfTheBatch()
    {
        using var directory = new TempDirectory();
        using var syncing = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var phase = 0;
        var faults = new VolumeFaults
        {
            Sync = () =>
            {
                if (Volatile.Read(ref phase) == 1)
                {
                    syncing.Set();
                    release.Wait(s_patience);
                    Volatile.Write(ref phase, 2);
                    return new IOException("Input/output error", 5);
                }

                return null;
            },
        };
        await using var volume = TestVolumes.Create(directory, faults: faults);
        await volume.AppendAsync(1);
        var durableEnd = volume.DurableOffset;
        Volatile.Write(ref phase, 1);

        // One append starts the failing sync; twenty more are written while it runs.
        var appends = new List<Task> { volume.AppendAsync(2).AsTask() };
        Assert.True(syncing.Wait(s_patience, Token));
        for (ulong id = 3; id <= 22; id++)
        {
            appends.Add(volume.AppendAsync(id).AsTask());
        }

        release.Set();
        foreach (var append in appends)
        {
            await Assert.ThrowsAnyAsync<IOException>(() => append);
        }

        Assert.Equal(durableEnd, volume.Tail);
        Assert.Equal(1, volume.NeedleCount);
        await volume.AppendAsync(23);
        Assert.Equal(2, volume.NeedleCount);
    }

    [Fact]
    public async Task Append_WhenOneWriteOfManyFails_AcknowledgesOnlyTheRecordsBeforeIt()
    {
        using var directory = new TempDirectory();
        var writes = 0;
        var failedAt = -1L;
        var faults = new VolumeFaults
        {
            Write = (offset, _) =>
            {
                if (Interlocked.Increment(ref writes) == 40)
                {
                    Volatile.Write(ref failedAt, offset);
                    return new IOException("Input/output error", 5);
                }

                return null;
            },
        };
        var acknowledged = new ConcurrentBag<ulong>();
        var failed = new ConcurrentBag<ulong>();
        await using (var volume = TestVolumes.Create(directory, faults: faults))
        {
            var appends = Enumerable.Range(1, 100).Select(i => Task.Run(
                async () =>
                {
                    try
                    {
                        await volume.AppendAsync((ulong)i);
                        acknowledged.Add((ulong)i);
                    }
                    catch (IOException)
                    {
                        failed.Add((ulong)i);
                    }
                },
                Token));
            await Task.WhenAll(appends);

            Assert.Equal(SealReason.IOError, volume.SealReason);
            Assert.Equal(failedAt, volume.Tail);
            Assert.Equal(failedAt, volume.DurableOffset);
            Assert.Equal(39, acknowledged.Count + failed.Count - 61);
            Assert.True(failed.Count >= 61, $"{failed.Count} failed");
            Assert.All(acknowledged, id => Assert.Equal(TestVolumes.Data(id), volume.Read(id)));
            Assert.All(failed, id => Assert.Null(volume.Read(id)));
        }

        await using var reopened = TestVolumes.Open(directory);
        Assert.Equal(acknowledged.Count, reopened.NeedleCount);
        Assert.Equal(SealReason.IOError, reopened.SealReason);
        Assert.All(acknowledged, id => Assert.Equal(TestVolumes.Data(id), reopened.Read(id)));
    }

    [Fact]
    public async Task Offsets_SeenWhileWritersAppend_KeepDurableAtMostWrittenAtMostTail()
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory, size: 64L << 20);
        using var done = new CancellationTokenSource();
        var violations = 0;
        var observer = Task.Run(
            () =>
            {
                while (!done.IsCancellationRequested)
                {
                    // Each offset only grows, so reading them in this order brackets a consistent state.
                    var durable = volume.DurableOffset;
                    var written = volume.WrittenOffset;
                    var tail = volume.Tail;
                    if (durable > written || written > tail)
                    {
                        Interlocked.Increment(ref violations);
                    }
                }
            },
            Token);

        var appends = Enumerable.Range(0, 16).Select(w => Task.Run(
            async () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    await volume.AppendAsync((ulong)((w * 1000) + i + 1));
                }
            },
            Token));
        await Task.WhenAll(appends);
        await done.CancelAsync();
        await observer;

        Assert.Equal(0, violations);
        Assert.Equal(1600, volume.NeedleCount);
        Assert.Equal(volume.Tail, volume.DurableOffset);
    }
}
