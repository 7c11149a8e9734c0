using Speedy.Testing;
using Speedy.Volume.Format;

namespace Speedy.Volume.Tests;

public class ScrubTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>A sealed volume of needles 1–10 (and a deleted 11), with each needle's record offset.</summary>
    private static async Task<(NeedleVolume Volume, Dictionary<ulong, long> Offsets)> SealedAsync(TempDirectory directory)
    {
        var volume = TestVolumes.Create(directory);
        var offsets = new Dictionary<ulong, long>();
        for (ulong id = 1; id <= 11; id++)
        {
            offsets[id] = volume.Tail;
            await volume.AppendAsync(id);
        }

        Assert.True(await volume.DeleteAsync(new NeedleId(11), TestVolumes.CookieFor(11), Token));
        await volume.SealAsync(Token);
        return (volume, offsets);
    }

    [Fact]
    public async Task Scrub_OfAnIntactVolume_IsClean()
    {
        using var directory = new TempDirectory();
        var (volume, _) = await SealedAsync(directory);
        await using var _ = volume;

        var report = await volume.ScrubAsync(cancellationToken: Token);

        Assert.True(report.IsClean);
        Assert.Equal(12, report.Records);
        Assert.Equal(volume.Tail - Superblock.Size, report.BytesScanned);
    }

    [Fact]
    public async Task Scrub_FindsAFlippedDataBit_AndGoesOnToTheNextRecord()
    {
        using var directory = new TempDirectory();
        var (volume, offsets) = await SealedAsync(directory);
        await using var _ = volume;
        RecoveryTests.FlipByte(TestVolumes.DataPath(directory), offsets[4] + NeedleHeader.Size + 3);
        RecoveryTests.FlipByte(TestVolumes.DataPath(directory), offsets[11] + NeedleHeader.Size);

        var report = await volume.ScrubAsync(cancellationToken: Token);

        Assert.Equal(12, report.Records);
        Assert.Equal(
            [new ScrubFinding(offsets[4], new NeedleId(4), true, "data fails its CRC-32C or padding"), new ScrubFinding(offsets[11], new NeedleId(11), false, "data fails its CRC-32C or padding")],
            report.Findings);
        Assert.Throws<VolumeCorruptionException>(() => volume.Read(4));
    }

    [Fact]
    public async Task Scrub_FindsAFlippedHeaderBit_AndStopsThere()
    {
        using var directory = new TempDirectory();
        var (volume, offsets) = await SealedAsync(directory);
        await using var _ = volume;
        RecoveryTests.FlipByte(TestVolumes.DataPath(directory), offsets[6] + 17);

        var report = await volume.ScrubAsync(cancellationToken: Token);

        var finding = Assert.Single(report.Findings);
        Assert.Equal(offsets[6], finding.Offset);
        Assert.Null(finding.Needle);
        Assert.Equal(6, report.Records);
    }

    [Fact]
    public async Task Scrub_WhenCancelled_Throws()
    {
        using var directory = new TempDirectory();
        var (volume, _) = await SealedAsync(directory);
        await using var _ = volume;

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => volume.ScrubAsync(cancellationToken: new CancellationToken(true)));
    }
}
