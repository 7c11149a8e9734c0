using Speedy.IO;
using Speedy.Testing;

namespace Speedy.Volume.Tests;

/// <summary>
/// <see cref="VolumeOptions.DirectWrites"/>: large needles' aligned middles go past the page cache, the edges through
/// it; whatever the offsets and lengths, every needle reads back, after a reopen and after compaction.
/// </summary>
public class DirectWriteTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    private static NeedleVolume Create(TempDirectory directory) =>
        NeedleVolume.Create(DirectOptions(directory), TestVolumes.Group, TestVolumes.Id);

    private static VolumeOptions DirectOptions(TempDirectory directory)
    {
        var options = TestVolumes.Options(directory.Path, size: 64L << 20);
        options.DirectWrites = true;
        return options;
    }

    private static byte[] Bytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task LargeNeedles_AtUnalignedOffsets_ReadBack_AlsoAfterReopen()
    {
        using var directory = new TempDirectory();
        var needles = new Dictionary<ulong, byte[]>
        {
            [1] = Bytes(100, 1),
            [2] = Bytes((3 << 20) + 17, 2),
            [3] = Bytes(4093, 3),
            [4] = Bytes((5 << 20) - 1, 4),
            [5] = Bytes(1 << 20, 5),
            [6] = Bytes((2 << 20) + 4096, 6),
        };
        await using (var volume = Create(directory))
        {
            Assert.True(volume.WritesDirect, "the test directory's filesystem takes O_DIRECT");
            foreach (var (id, data) in needles)
            {
                await volume.AppendAsync(new NeedleId(id), TestVolumes.CookieFor(id), data, Token);
            }

            var streamed = Bytes((5 << 19) + 3, 7);
            await volume.AppendAsync(new NeedleId(7), TestVolumes.CookieFor(7), streamed.Length, new MemoryStream(streamed), Token);
            needles[7] = streamed;

            Assert.True(volume.WritesDirect);
            foreach (var (id, data) in needles)
            {
                Assert.Equal(data, volume.Read(id));
            }
        }

        await using var reopened = NeedleVolume.Open(DirectOptions(directory), TestVolumes.Id);
        Assert.Equal(needles.Count, reopened.NeedleCount);
        foreach (var (id, data) in needles)
        {
            Assert.Equal(data, reopened.Read(id));
        }
    }

    [Fact]
    public async Task Compaction_KeepsDirectlyWrittenNeedles_AndAppendsAfterItGoDirectToo()
    {
        using var directory = new TempDirectory();
        await using var volume = Create(directory);
        for (ulong id = 1; id <= 6; id++)
        {
            await volume.AppendAsync(new NeedleId(id), TestVolumes.CookieFor(id), Bytes((int)((2 << 20) + id), (int)id), Token);
        }

        for (ulong id = 2; id <= 6; id += 2)
        {
            Assert.True(await volume.DeleteAsync(new NeedleId(id), TestVolumes.CookieFor(id), Token));
        }

        await volume.CompactAsync(Token);
        await volume.AppendAsync(new NeedleId(9), TestVolumes.CookieFor(9), Bytes((3 << 20) + 5, 9), Token);

        Assert.True(volume.WritesDirect);
        foreach (var id in new ulong[] { 1, 3, 5 })
        {
            Assert.Equal(Bytes((int)((2 << 20) + id), (int)id), volume.Read(id));
        }

        Assert.Null(volume.Read(2));
        Assert.Equal(Bytes((3 << 20) + 5, 9), volume.Read(9));
    }

    [Fact]
    public async Task Append_WithTheCallersChecksum_ReadsBack_AndAWrongOneReadsAsCorrupt()
    {
        using var directory = new TempDirectory();
        await using var volume = Create(directory);
        var data = Bytes(3 << 20, 10);
        var checksum = Crc32C.Compute(data);

        await volume.AppendAsync(new NeedleId(1), TestVolumes.CookieFor(1), data, checksum, Token);
        await volume.AppendAsync(new NeedleId(2), TestVolumes.CookieFor(2), data, checksum + 1, Token);

        Assert.Equal(data, volume.Read(1));
        Assert.True(volume.TryRead(new NeedleId(1), TestVolumes.CookieFor(1), new byte[data.Length], out _, out var verified));
        Assert.Equal(checksum, verified);
        Assert.Throws<VolumeCorruptionException>(() => volume.Read(2));
    }
}
