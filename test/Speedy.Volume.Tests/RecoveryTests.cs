using Speedy.Testing;
using Speedy.Volume.Format;

namespace Speedy.Volume.Tests;

/// <summary>Opening a volume whose files a crash (or the disk) left in every kind of state.</summary>
public class RecoveryTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    /// <summary>
    /// A data file with needles 1 and 2 under a checkpoint and needle 3 after it, as bytes, plus the checkpoint and
    /// where needle 3's record starts.
    /// </summary>
    private static async Task<(byte[] Data, byte[] Index, long LastRecord)> ThreeNeedlesAsync(int lastLength)
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory);
        await volume.AppendAsync(1);
        await volume.AppendAsync(2);
        await volume.CheckpointAsync(Token);
        var lastRecord = volume.Tail;
        var last = new byte[lastLength];
        new Random(lastLength).NextBytes(last);
        await volume.AppendAsync(new NeedleId(3), TestVolumes.CookieFor(3), last, Token);
        return (File.ReadAllBytes(TestVolumes.DataPath(directory)), File.ReadAllBytes(TestVolumes.IndexPath(directory)), lastRecord);
    }

    private static TempDirectory Lay(byte[] data, byte[]? index)
    {
        var directory = new TempDirectory();
        File.WriteAllBytes(TestVolumes.DataPath(directory), data);
        if (index is not null)
        {
            File.WriteAllBytes(TestVolumes.IndexPath(directory), index);
        }

        return directory;
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Open_WithATornFinalRecord_AtEveryLength_TruncatesItAndKeepsTheRest(bool withCheckpoint)
    {
        var (data, index, lastRecord) = await ThreeNeedlesAsync(lastLength: 61);
        Assert.Equal(lastRecord + NeedleHeader.RecordSize(61), data.Length);
        for (var length = (int)lastRecord; length < data.Length; length++)
        {
            using var directory = Lay(data[..length], withCheckpoint ? index : null);
            await using var volume = TestVolumes.Open(directory);

            Assert.Equal(withCheckpoint, volume.Recovery.CheckpointLoaded);
            Assert.Equal(length == lastRecord ? -1 : lastRecord, volume.Recovery.TruncatedAt);
            Assert.Equal(lastRecord, volume.Tail);
            Assert.Equal(lastRecord, new FileInfo(TestVolumes.DataPath(directory)).Length);
            Assert.Equal(TestVolumes.Data(1), volume.Read(1));
            Assert.Equal(TestVolumes.Data(2), volume.Read(2));
            Assert.Null(volume.Read(3));

            // The volume goes on from the cut.
            await volume.AppendAsync(4);
            Assert.Equal(TestVolumes.Data(4), volume.Read(4));
        }
    }

    [Fact]
    public async Task Open_WithEveryBitOfTheFinalHeaderFlipped_TruncatesTheRecord()
    {
        var (data, index, lastRecord) = await ThreeNeedlesAsync(lastLength: 100);
        for (var bit = 0; bit < NeedleHeader.Size * 8; bit++)
        {
            var flipped = (byte[])data.Clone();
            flipped[lastRecord + (bit / 8)] ^= (byte)(1 << (bit % 8));
            using var directory = Lay(flipped, index);
            await using var volume = TestVolumes.Open(directory);

            Assert.Equal(lastRecord, volume.Recovery.TruncatedAt);
            Assert.Null(volume.Read(3));
            Assert.Equal(TestVolumes.Data(2), volume.Read(2));
        }
    }

    [Fact]
    public async Task Open_WithABitFlippedInTheFinalRecordsDataOrChecksum_TruncatesTheRecord()
    {
        var (data, index, lastRecord) = await ThreeNeedlesAsync(lastLength: 100);
        var checkedBytes = 100 + NeedleHeader.TrailerSize;
        for (var bit = 0; bit < checkedBytes * 8; bit += 5)
        {
            var flipped = (byte[])data.Clone();
            flipped[lastRecord + NeedleHeader.Size + (bit / 8)] ^= (byte)(1 << (bit % 8));
            using var directory = Lay(flipped, index);
            await using var volume = TestVolumes.Open(directory);

            Assert.Equal(lastRecord, volume.Recovery.TruncatedAt);
            Assert.Equal("bad data: CRC-32C or padding", volume.Recovery.Truncation);
            Assert.Null(volume.Read(3));
        }
    }

    [Fact]
    public async Task Open_WithGarbageAfterTheLastRecord_TruncatesTheGarbage()
    {
        var (data, index, _) = await ThreeNeedlesAsync(lastLength: 10);
        var garbage = new byte[5000];
        new Random(2).NextBytes(garbage);
        using var directory = Lay([.. data, .. garbage], index);
        await using var volume = TestVolumes.Open(directory);

        Assert.Equal(data.Length, volume.Recovery.TruncatedAt);
        Assert.Equal(5000, volume.Recovery.DiscardedBytes);
        Assert.Equal(3, volume.NeedleCount);
    }

    [Fact]
    public async Task Open_WithACheckpointOlderThanTheData_ReplaysTheRecordsAfterIt()
    {
        using var directory = new TempDirectory();
        byte[] staleIndex;
        await using (var volume = TestVolumes.Create(directory))
        {
            for (ulong id = 1; id <= 20; id++)
            {
                await volume.AppendAsync(id);
            }

            await volume.CheckpointAsync(Token);
            staleIndex = File.ReadAllBytes(TestVolumes.IndexPath(directory));
            for (ulong id = 21; id <= 40; id++)
            {
                await volume.AppendAsync(id);
            }

            Assert.True(await volume.DeleteAsync(new NeedleId(5), TestVolumes.CookieFor(5), Token));
            await volume.AppendAsync(new NeedleId(6), new Cookie(66), new byte[] { 6 }, Token);
        }

        File.WriteAllBytes(TestVolumes.IndexPath(directory), staleIndex);
        await using var reopened = TestVolumes.Open(directory);

        Assert.True(reopened.Recovery.CheckpointLoaded);
        Assert.Equal(22, reopened.Recovery.RecordsReplayed);
        Assert.Equal(-1, reopened.Recovery.TruncatedAt);
        Assert.Equal(39, reopened.NeedleCount);
        Assert.Null(reopened.Read(5));
        Assert.Equal(new byte[] { 6 }, reopened.Read(6, new Cookie(66)));
        for (ulong id = 7; id <= 40; id++)
        {
            Assert.Equal(TestVolumes.Data(id), reopened.Read(id));
        }
    }

    [Fact]
    public async Task Open_WithACorruptCheckpoint_ScansTheWholeFile()
    {
        using var directory = new TempDirectory();
        await using (var volume = TestVolumes.Create(directory))
        {
            for (ulong id = 1; id <= 20; id++)
            {
                await volume.AppendAsync(id);
            }
        }

        var index = File.ReadAllBytes(TestVolumes.IndexPath(directory));
        for (var bit = 0; bit < index.Length * 8; bit += 7)
        {
            var flipped = (byte[])index.Clone();
            flipped[bit / 8] ^= (byte)(1 << (bit % 8));
            File.WriteAllBytes(TestVolumes.IndexPath(directory), flipped);
            await using var reopened = TestVolumes.Open(directory);

            Assert.False(reopened.Recovery.CheckpointLoaded, $"bit {bit}");
            Assert.Equal(20, reopened.Recovery.RecordsReplayed);
            Assert.Equal(20, reopened.NeedleCount);
        }
    }

    [Fact]
    public async Task Open_WithATruncatedCheckpoint_ScansTheWholeFile()
    {
        using var directory = new TempDirectory();
        await using (var volume = TestVolumes.Create(directory))
        {
            await volume.AppendAsync(1);
            await volume.AppendAsync(2);
        }

        var index = File.ReadAllBytes(TestVolumes.IndexPath(directory));
        for (var length = 0; length < index.Length; length++)
        {
            File.WriteAllBytes(TestVolumes.IndexPath(directory), index[..length]);
            await using var reopened = TestVolumes.Open(directory);

            Assert.False(reopened.Recovery.CheckpointLoaded);
            Assert.Equal(2, reopened.NeedleCount);
        }
    }

    [Fact]
    public async Task Open_WithACheckpointBeyondTheDataFile_ScansTheWholeFile()
    {
        var (data, _, lastRecord) = await ThreeNeedlesAsync(lastLength: 10);
        using var full = Lay(data, null);
        await (await Task.FromResult(TestVolumes.Open(full))).DisposeAsync();
        var index = File.ReadAllBytes(TestVolumes.IndexPath(full));

        using var directory = Lay(data[..(int)lastRecord], index);
        await using var volume = TestVolumes.Open(directory);

        Assert.False(volume.Recovery.CheckpointLoaded);
        Assert.Equal(2, volume.NeedleCount);
    }

    [Fact]
    public async Task Open_WithACheckpointOfAnotherFileOfTheSameIdentity_ScansFromTheStart()
    {
        // Two data files with identical superblocks whose records end at different offsets: the checkpoint of one
        // names a covered end that falls inside a record of the other, which a scan from there would cut.
        var clock = new FixedTimeProvider(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));
        using var first = new TempDirectory();
        using var second = new TempDirectory();
        await using (var volume = NeedleVolume.Create(new VolumeOptions { Directory = first.Path, Size = 1 << 20, TimeProvider = clock }, TestVolumes.Group, TestVolumes.Id))
        {
            await volume.AppendAsync(new NeedleId(1), new Cookie(1), new byte[100], Token);
        }

        await using (var volume = NeedleVolume.Create(new VolumeOptions { Directory = second.Path, Size = 1 << 20, TimeProvider = clock }, TestVolumes.Group, TestVolumes.Id))
        {
            await volume.AppendAsync(new NeedleId(2), new Cookie(2), new byte[1000], Token);
        }

        File.Copy(TestVolumes.IndexPath(first), TestVolumes.IndexPath(second), overwrite: true);
        await using var reopened = NeedleVolume.Open(new VolumeOptions { Directory = second.Path }, TestVolumes.Id);

        Assert.False(reopened.Recovery.CheckpointLoaded);
        Assert.Equal(-1, reopened.Recovery.TruncatedAt);
        Assert.Equal(new byte[1000], reopened.Read(2, new Cookie(2)));
    }

    [Fact]
    public async Task Read_OfANeedleCorruptedBeforeTheCheckpoint_ThrowsCorruption()
    {
        using var directory = new TempDirectory();
        long offset;
        await using (var volume = TestVolumes.Create(directory))
        {
            await volume.AppendAsync(1);
            offset = volume.Tail;
            await volume.AppendAsync(2);
            await volume.AppendAsync(3);
        }

        FlipByte(TestVolumes.DataPath(directory), offset + NeedleHeader.Size + 10);
        await using var reopened = TestVolumes.Open(directory);

        Assert.True(reopened.Recovery.CheckpointLoaded);
        var error = Assert.Throws<VolumeCorruptionException>(() => reopened.Read(2));
        Assert.Equal(offset, error.Offset);
        Assert.Equal(TestVolumes.Data(3), reopened.Read(3));
    }

    [Fact]
    public async Task Read_OfANeedleWhoseHeaderIsCorruptedBeforeTheCheckpoint_ThrowsCorruption()
    {
        using var directory = new TempDirectory();
        long offset;
        await using (var volume = TestVolumes.Create(directory))
        {
            await volume.AppendAsync(1);
            offset = volume.Tail;
            await volume.AppendAsync(2);
            await volume.AppendAsync(3);
        }

        FlipByte(TestVolumes.DataPath(directory), offset + 9);
        await using var reopened = TestVolumes.Open(directory);

        Assert.True(reopened.Recovery.CheckpointLoaded);
        Assert.Throws<VolumeCorruptionException>(() => reopened.Read(2));
        Assert.Equal(TestVolumes.Data(3), reopened.Read(3));
    }

    [Fact]
    public void Open_OfAFileWithoutAValidSuperblock_Throws()
    {
        using var directory = new TempDirectory();
        File.WriteAllBytes(TestVolumes.DataPath(directory), new byte[100]);

        Assert.Throws<VolumeCorruptionException>(() => TestVolumes.Open(directory));
    }

    [Fact]
    public async Task Open_OfAnotherVolumesFile_Throws()
    {
        using var directory = new TempDirectory();
        await using (NeedleVolume.Create(TestVolumes.Options(directory.Path), TestVolumes.Group, new VolumeId(8)))
        {
        }

        File.Move(directory.Combine("8.dat"), TestVolumes.DataPath(directory));

        Assert.Throws<VolumeCorruptionException>(() => TestVolumes.Open(directory));
    }

    internal static void FlipByte(string path, long offset)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        stream.Position = offset;
        var value = stream.ReadByte();
        stream.Position = offset;
        stream.WriteByte((byte)(value ^ 0x10));
    }

    private sealed class FixedTimeProvider(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
