using System.Collections.Concurrent;
using Speedy.Testing;

namespace Speedy.Volume.Tests;

public class CompactionTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public static TheoryData<string> Steps => [.. Enum.GetNames<CompactionStep>()];

    /// <summary>Needles 1–100, with the even ones deleted and 1–9 overwritten by one byte.</summary>
    private static async Task FillAsync(NeedleVolume volume)
    {
        for (ulong id = 1; id <= 100; id++)
        {
            await volume.AppendAsync(id);
        }

        for (ulong id = 2; id <= 100; id += 2)
        {
            Assert.True(await volume.DeleteAsync(new NeedleId(id), TestVolumes.CookieFor(id), Token));
        }

        for (ulong id = 1; id < 10; id += 2)
        {
            await volume.AppendAsync(new NeedleId(id), new Cookie(1), new byte[] { (byte)id }, Token);
        }
    }

    private static void AssertFilled(NeedleVolume volume)
    {
        Assert.Equal(50, volume.NeedleCount);
        for (ulong id = 1; id <= 100; id++)
        {
            if (id % 2 == 0)
            {
                Assert.Null(volume.Read(id));
            }
            else if (id < 10)
            {
                Assert.Equal(new[] { (byte)id }, volume.Read(id, new Cookie(1)));
            }
            else
            {
                Assert.Equal(TestVolumes.Data(id), volume.Read(id));
            }
        }
    }

    private static string[] Leftovers(TempDirectory directory) =>
        [.. Directory.GetFiles(directory.Path).Select(Path.GetFileName).Where(name => name is not ("7.dat" or "7.idx"))!];

    [Fact]
    public async Task Compact_DropsDeletedAndOverwrittenNeedles_AndKeepsTheRest()
    {
        using var directory = new TempDirectory();
        await using (var volume = TestVolumes.Create(directory))
        {
            await FillAsync(volume);
            var before = volume.Tail;

            var result = await volume.CompactAsync(Token);

            Assert.Equal(before, result.BytesBefore);
            Assert.True(result.BytesAfter < before / 2, $"{result.BytesAfter} of {before}");
            Assert.Equal(50, result.Needles);
            Assert.Equal(result.BytesAfter, volume.Tail);
            Assert.Equal(result.BytesAfter, new FileInfo(TestVolumes.DataPath(directory)).Length);
            Assert.Equal(1u, volume.Revision);
            Assert.Equal(0, volume.GarbageBytes);
            AssertFilled(volume);

            await volume.AppendAsync(200);
            Assert.Equal(TestVolumes.Data(200), volume.Read(200));
        }

        Assert.Empty(Leftovers(directory));
        await using var reopened = TestVolumes.Open(directory);
        Assert.Equal(1u, reopened.Revision);
        Assert.True(reopened.Recovery.CheckpointLoaded);
        Assert.Equal(51, reopened.NeedleCount);
    }

    [Fact]
    public async Task Compact_AfterCompaction_StartsFromTheNewIndexWithoutAScan()
    {
        using var directory = new TempDirectory();
        await using (var volume = TestVolumes.Create(directory))
        {
            await FillAsync(volume);
            await volume.CompactAsync(Token);
            await volume.CompactAsync(Token);
            Assert.Equal(2u, volume.Revision);
        }

        await using var reopened = TestVolumes.Open(directory);
        Assert.True(reopened.Recovery.CheckpointLoaded);
        Assert.Equal(0, reopened.Recovery.ScannedBytes);
        AssertFilled(reopened);
    }

    [Theory]
    [MemberData(nameof(Steps))]
    public async Task Compact_InterruptedAtAStep_LeavesTheOldOrTheNewVolumeComplete(string stepName)
    {
        var step = Enum.Parse<CompactionStep>(stepName);
        using var directory = new TempDirectory();
        var faults = new VolumeFaults { CompactionStep = s => s != step };
        await using (var volume = TestVolumes.Create(directory, faults: faults))
        {
            await FillAsync(volume);
            await Assert.ThrowsAsync<SimulatedCrashException>(() => volume.CompactAsync(Token));
            await Assert.ThrowsAsync<ObjectDisposedException>(async () => await volume.AppendAsync(500));
        }

        await using var reopened = TestVolumes.Open(directory);

        var committed = step >= CompactionStep.MarkerWritten;
        Assert.Equal(committed ? 1u : 0u, reopened.Revision);
        Assert.Equal(
            committed ? InterruptedCompaction.RolledForward : step == CompactionStep.Started ? InterruptedCompaction.None : InterruptedCompaction.RolledBack,
            reopened.Recovery.Compaction);
        Assert.Equal(-1, reopened.Recovery.TruncatedAt);
        Assert.Empty(Leftovers(directory));
        AssertFilled(reopened);

        var result = await reopened.CompactAsync(Token);
        Assert.Equal(50, result.Needles);
        AssertFilled(reopened);
    }

    [Fact]
    public async Task Compact_WithACorruptMarker_DiscardsTheCompaction()
    {
        using var directory = new TempDirectory();
        var faults = new VolumeFaults { CompactionStep = s => s != CompactionStep.MarkerWritten };
        await using (var volume = TestVolumes.Create(directory, faults: faults))
        {
            await FillAsync(volume);
            await Assert.ThrowsAsync<SimulatedCrashException>(() => volume.CompactAsync(Token));
        }

        RecoveryTests.FlipByte(directory.Combine("7.cpm"), 10);
        await using var reopened = TestVolumes.Open(directory);

        Assert.Equal(0u, reopened.Revision);
        Assert.Equal(InterruptedCompaction.RolledBack, reopened.Recovery.Compaction);
        Assert.Empty(Leftovers(directory));
        AssertFilled(reopened);
    }

    [Fact]
    public async Task Compact_WhileWritersAppendDeleteAndRead_LosesNothing()
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory, size: 64L << 20);
        for (ulong id = 1; id <= 2000; id++)
        {
            await volume.AppendAsync(id);
        }

        var deleted = new ConcurrentDictionary<ulong, bool>();
        var appended = new ConcurrentDictionary<ulong, bool>();
        using var stop = new CancellationTokenSource();
        var readErrors = 0;
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(
            async () =>
            {
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var id = 10_000 + (ulong)((i * 8) + w);
                    await volume.AppendAsync(id);
                    appended[id] = true;
                    var victim = (ulong)((i * 8) + w + 1);
                    if (victim <= 2000 && await volume.DeleteAsync(new NeedleId(victim), TestVolumes.CookieFor(victim), Token))
                    {
                        deleted[victim] = true;
                    }
                }
            },
            Token)).ToArray();
        var reader = Task.Run(
            () =>
            {
                var random = new Random(9);
                while (!stop.IsCancellationRequested)
                {
                    var id = (ulong)random.Next(1, 2001);
                    var bytes = volume.Read(id);
                    if (bytes is not null && !bytes.AsSpan().SequenceEqual(TestVolumes.Data(id)))
                    {
                        Interlocked.Increment(ref readErrors);
                    }
                }
            },
            Token);

        // Compact only once the writers are under way, so they append and delete throughout.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (deleted.Count < 20 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(1, Token);
        }

        for (var round = 0; round < 3; round++)
        {
            await volume.CompactAsync(Token);
        }

        await stop.CancelAsync();
        await Task.WhenAll([.. writers, reader]);

        Assert.Equal(0, readErrors);
        Assert.Equal(3u, volume.Revision);
        Assert.NotEmpty(deleted);
        for (ulong id = 1; id <= 2000; id++)
        {
            Assert.Equal(deleted.ContainsKey(id) ? null : TestVolumes.Data(id), volume.Read(id));
        }

        Assert.All(appended.Keys, id => Assert.Equal(TestVolumes.Data(id), volume.Read(id)));
        Assert.Equal(2000 - deleted.Count + appended.Count, volume.NeedleCount);
    }
}
