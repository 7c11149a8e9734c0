using System.Collections.Concurrent;
using Speedy.Testing;

namespace Speedy.Volume.Tests;

public class DiskFullTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// Sixteen writers append 64 KiB needles until each is refused; returns the ids acknowledged and the exceptions
    /// of the refusals.
    /// </summary>
    private static async Task<(ConcurrentBag<ulong> Acknowledged, ConcurrentBag<Exception> Errors)> FillAsync(NeedleVolume volume)
    {
        var acknowledged = new ConcurrentBag<ulong>();
        var errors = new ConcurrentBag<Exception>();
        var writers = Enumerable.Range(0, 16).Select(w => Task.Run(
            async () =>
            {
                for (var i = 0; ; i++)
                {
                    var id = (ulong)((i * 16) + w + 1);
                    try
                    {
                        await volume.AppendAsync(id, maxLength: 64 * 1024);
                        acknowledged.Add(id);
                    }
                    catch (Exception e)
                    {
                        errors.Add(e);
                        return;
                    }
                }
            },
            Token));
        await Task.WhenAll(writers);
        return (acknowledged, errors);
    }

    private static async Task AssertSealedAndServingAsync(NeedleVolume volume, ConcurrentBag<ulong> acknowledged, ConcurrentBag<Exception> errors, string dataPath)
    {
        Assert.Equal(16, errors.Count);
        Assert.All(errors, e => Assert.IsType<VolumeFullException>(e));
        var first = errors.OfType<VolumeFullException>().Where(e => e.InnerException is IOException { HResult: 28 }).ToList();
        Assert.NotEmpty(first);
        Assert.All(first, e => Assert.Contains("the disk is full", e.Message, StringComparison.Ordinal));
        Assert.All(errors.OfType<VolumeFullException>(), e => Assert.Equal(SealReason.DiskFull, e.Reason));

        Assert.Equal(SealReason.DiskFull, volume.SealReason);
        Assert.Equal(volume.Tail, volume.DurableOffset);
        Assert.Equal(volume.Tail, new FileInfo(dataPath).Length);
        Assert.True(acknowledged.Count > 10, $"{acknowledged.Count} acknowledged");
        Assert.Equal(acknowledged.Count, volume.NeedleCount);
        Assert.All(acknowledged, id => Assert.Equal(TestVolumes.Data(id, 64 * 1024), volume.Read(id)));
        await Assert.ThrowsAsync<VolumeFullException>(async () => await volume.AppendAsync(1_000_000));
    }

    [Fact]
    public async Task Append_OnAFullFilesystem_FailsClearly_SealsTheVolume_AndLosesNothingAcknowledged()
    {
        using var filesystem = SmallFilesystem.TryMount(8, out var why);
        if (filesystem is null)
        {
            Assert.Skip($"{why}; Append_WhenTheDiskIsFull_FailsClearly_SealsTheVolume_AndLosesNothingAcknowledged covers the engine's side with an injected ENOSPC.");
        }

        var options = TestVolumes.Options(filesystem.Path, size: 32L << 20);
        var dataPath = Path.Combine(filesystem.Path, $"{TestVolumes.Id}.dat");
        ConcurrentBag<ulong> acknowledged;
        await using (var volume = NeedleVolume.Create(options, TestVolumes.Group, TestVolumes.Id))
        {
            (acknowledged, var errors) = await FillAsync(volume);
            await AssertSealedAndServingAsync(volume, acknowledged, errors, dataPath);
        }

        await using var reopened = NeedleVolume.Open(options, TestVolumes.Id);
        Assert.Equal(SealReason.DiskFull, reopened.SealReason);
        Assert.Equal(-1, reopened.Recovery.TruncatedAt);
        Assert.Equal(acknowledged.Count, reopened.NeedleCount);
        Assert.All(acknowledged, id => Assert.Equal(TestVolumes.Data(id, 64 * 1024), reopened.Read(id)));
    }

    [Fact]
    public async Task Append_WhenTheDiskIsFull_FailsClearly_SealsTheVolume_AndLosesNothingAcknowledged()
    {
        using var directory = new TempDirectory();
        var written = 0L;
        var faults = new VolumeFaults
        {
            Write = (offset, length) => offset + length > (6L << 20) ? new IOException("No space left on device", 28) : null,
        };
        ConcurrentBag<ulong> acknowledged;
        await using (var volume = TestVolumes.Create(directory, size: 32L << 20, faults: faults))
        {
            (acknowledged, var errors) = await FillAsync(volume);
            await AssertSealedAndServingAsync(volume, acknowledged, errors, TestVolumes.DataPath(directory));
            written = volume.Tail;
        }

        Assert.True(written <= 6L << 20);
        await using var reopened = TestVolumes.Open(directory);
        Assert.Equal(SealReason.DiskFull, reopened.SealReason);
        Assert.Equal(acknowledged.Count, reopened.NeedleCount);
        Assert.All(acknowledged, id => Assert.Equal(TestVolumes.Data(id, 64 * 1024), reopened.Read(id)));
    }
}
