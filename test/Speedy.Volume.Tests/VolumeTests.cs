using Speedy.Testing;

namespace Speedy.Volume.Tests;

public class VolumeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(SyncPolicy.GroupCommit)]
    [InlineData(SyncPolicy.None)]
    public async Task Append_ThenRead_ReturnsTheSameBytes(SyncPolicy policy)
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory, policy);

        for (ulong id = 1; id <= 50; id++)
        {
            await volume.AppendAsync(id);
        }

        for (ulong id = 1; id <= 50; id++)
        {
            Assert.Equal(TestVolumes.Data(id), volume.Read(id));
        }

        Assert.Equal(50, volume.NeedleCount);
    }

    [Fact]
    public async Task Append_OfEmptyAndLargeNeedles_ReadsBack()
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory);
        var large = new byte[3 << 20];
        new Random(5).NextBytes(large);

        await volume.AppendAsync(new NeedleId(1), new Cookie(1), ReadOnlyMemory<byte>.Empty, Token);
        await volume.AppendAsync(new NeedleId(2), new Cookie(2), large, Token);

        Assert.Equal(Array.Empty<byte>(), volume.Read(1, new Cookie(1)));
        Assert.Equal(large, volume.Read(2, new Cookie(2)));
    }

    [Fact]
    public async Task Read_WithTheWrongCookie_IsNotFound()
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory);
        await volume.AppendAsync(1);
        var wrong = new Cookie(TestVolumes.CookieFor(1).Value ^ 1);
        var buffer = new byte[4096];

        Assert.False(volume.TryRead(new NeedleId(1), wrong, buffer, out _));
        Assert.False(volume.TryReadRange(new NeedleId(1), wrong, 0, buffer, out _));
        Assert.False(volume.TryGetLength(new NeedleId(1), wrong, out _));
        Assert.False(await volume.DeleteAsync(new NeedleId(1), wrong, Token));
        Assert.NotNull(volume.Read(1));
    }

    [Fact]
    public async Task Read_OfAnUnknownNeedle_IsNotFound()
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory);

        Assert.Null(volume.Read(99));
    }

    [Fact]
    public async Task TryRead_IntoTooSmallABuffer_Throws()
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory);
        await volume.AppendAsync(new NeedleId(1), new Cookie(1), new byte[100], Token);

        Assert.Throws<ArgumentException>(() => volume.TryRead(new NeedleId(1), new Cookie(1), new byte[99], out _));
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(95, 10)]
    [InlineData(50, 1000)]
    [InlineData(100, 10)]
    [InlineData(200, 10)]
    public async Task TryReadRange_ReturnsThatSliceOfTheData(int start, int count)
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory);
        var data = new byte[100];
        new Random(3).NextBytes(data);
        await volume.AppendAsync(new NeedleId(1), new Cookie(1), data, Token);
        var buffer = new byte[count];

        Assert.True(volume.TryReadRange(new NeedleId(1), new Cookie(1), start, buffer, out var read));

        var expected = data.AsSpan(Math.Min(start, data.Length)).ToArray().Take(count).ToArray();
        Assert.Equal(expected, buffer[..read]);
    }

    [Fact]
    public async Task TryReadRange_OfALargeNeedle_ReadsTheMiddle()
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory);
        var data = new byte[1 << 20];
        new Random(4).NextBytes(data);
        await volume.AppendAsync(new NeedleId(1), new Cookie(1), data, Token);
        var buffer = new byte[4096];

        Assert.True(volume.TryReadRange(new NeedleId(1), new Cookie(1), 500_000, buffer, out var read));

        Assert.Equal(4096, read);
        Assert.Equal(data.AsSpan(500_000, 4096).ToArray(), buffer);
    }

    [Fact]
    public async Task Append_OfAnExistingId_ReplacesItAndCountsTheOldRecordAsGarbage()
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory);
        await volume.AppendAsync(new NeedleId(1), new Cookie(1), new byte[] { 1, 2, 3 }, Token);
        await volume.AppendAsync(new NeedleId(1), new Cookie(2), new byte[] { 4, 5 }, Token);

        Assert.Null(volume.Read(1, new Cookie(1)));
        Assert.Equal(new byte[] { 4, 5 }, volume.Read(1, new Cookie(2)));
        Assert.Equal(40, volume.GarbageBytes);
    }

    [Fact]
    public async Task Delete_MakesTheNeedleNotFound_AndSurvivesReopen()
    {
        using var directory = new TempDirectory();
        await using (var volume = TestVolumes.Create(directory))
        {
            await volume.AppendAsync(1);
            await volume.AppendAsync(2);

            Assert.True(await volume.DeleteAsync(new NeedleId(1), TestVolumes.CookieFor(1), Token));
            Assert.False(await volume.DeleteAsync(new NeedleId(1), TestVolumes.CookieFor(1), Token));
            Assert.Null(volume.Read(1));
        }

        await using var reopened = TestVolumes.Open(directory);
        Assert.Null(reopened.Read(1));
        Assert.Equal(TestVolumes.Data(2), reopened.Read(2));
    }

    [Fact]
    public async Task Reopen_AfterDispose_ReadsEveryNeedleAndKeepsIdentity()
    {
        using var directory = new TempDirectory();
        DateTimeOffset created;
        await using (var volume = TestVolumes.Create(directory))
        {
            created = volume.CreatedAt;
            for (ulong id = 1; id <= 100; id++)
            {
                await volume.AppendAsync(id);
            }
        }

        await using var reopened = TestVolumes.Open(directory);
        Assert.Equal(TestVolumes.Id, reopened.Id);
        Assert.Equal(TestVolumes.Group, reopened.Group);
        Assert.Equal(created, reopened.CreatedAt);
        Assert.True(reopened.Recovery.CheckpointLoaded);
        Assert.Equal(0, reopened.Recovery.ScannedBytes);
        for (ulong id = 1; id <= 100; id++)
        {
            Assert.Equal(TestVolumes.Data(id), reopened.Read(id));
        }
    }

    [Fact]
    public async Task Create_WhenTheVolumeExists_Throws()
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory);

        Assert.Throws<IOException>(() => TestVolumes.Create(directory));
    }

    [Fact]
    public async Task Create_LeavesTheDataFileAsLongAsItsSuperblock_WithSpaceReserved()
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory, size: 8L << 20);

        Assert.Equal(64, new FileInfo(TestVolumes.DataPath(directory)).Length);
        Assert.Equal(64, volume.Tail);
    }

    [Fact]
    public async Task Append_WhenTheNeedleDoesNotFit_ThrowsFullAndSealsTheVolume()
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory, size: 1L << 20);
        var data = new byte[100_000];
        var appended = 0;

        var error = await Assert.ThrowsAsync<VolumeFullException>(async () =>
        {
            for (ulong id = 1; ; id++)
            {
                await volume.AppendAsync(new NeedleId(id), new Cookie(1), data, Token);
                appended++;
            }
        });

        Assert.Equal(SealReason.Full, error.Reason);
        Assert.Equal(SealReason.Full, volume.SealReason);
        Assert.True(appended > 5);
        Assert.NotNull(volume.Read(1, new Cookie(1)));
        await Assert.ThrowsAsync<VolumeFullException>(async () => await volume.AppendAsync(new NeedleId(999), new Cookie(1), new byte[1], Token));
        Assert.True(await volume.DeleteAsync(new NeedleId(1), new Cookie(1), Token));
    }

    [Fact]
    public async Task Append_OfANeedleLargerThanTheVolume_ThrowsWithoutSealing()
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory, size: 1L << 20);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(async () =>
            await volume.AppendAsync(new NeedleId(1), new Cookie(1), new byte[2 << 20], Token));
        Assert.False(volume.IsSealed);
    }

    [Fact]
    public async Task Seal_RejectsAppends_ServesReads_AndSurvivesReopen()
    {
        using var directory = new TempDirectory();
        await using (var volume = TestVolumes.Create(directory))
        {
            await volume.AppendAsync(1);
            await volume.SealAsync(Token);

            var error = await Assert.ThrowsAsync<VolumeSealedException>(async () => await volume.AppendAsync(2));
            Assert.Equal(SealReason.Requested, error.Reason);
            Assert.Equal(TestVolumes.Data(1), volume.Read(1));
        }

        await using var reopened = TestVolumes.Open(directory);
        Assert.Equal(SealReason.Requested, reopened.SealReason);
        await Assert.ThrowsAsync<VolumeSealedException>(async () => await reopened.AppendAsync(2));
    }

    [Fact]
    public async Task AppendStream_ReadsTheSourceToTheEnd()
    {
        using var directory = new TempDirectory();
        await using var volume = TestVolumes.Create(directory);
        var data = new byte[(2 << 20) + 123];
        new Random(8).NextBytes(data);

        await volume.AppendAsync(new NeedleId(1), new Cookie(1), data.Length, new MemoryStream(data), Token);

        Assert.Equal(data, volume.Read(1, new Cookie(1)));
    }

    [Fact]
    public async Task AppendStream_WhenTheSourceEndsEarly_ThrowsAndLeavesAFillerThatLaterNeedlesSurvive()
    {
        using var directory = new TempDirectory();
        await using (var volume = TestVolumes.Create(directory))
        {
            await volume.AppendAsync(1);
            await Assert.ThrowsAsync<EndOfStreamException>(() =>
                volume.AppendAsync(new NeedleId(2), new Cookie(2), 10_000, new MemoryStream(new byte[5000]), Token));
            await volume.AppendAsync(3);

            Assert.Null(volume.Read(2, new Cookie(2)));
            Assert.True(volume.GarbageBytes >= 10_000);
        }

        File.Delete(TestVolumes.IndexPath(directory));
        await using var reopened = TestVolumes.Open(directory);
        Assert.Equal(-1, reopened.Recovery.TruncatedAt);
        Assert.Equal(TestVolumes.Data(1), reopened.Read(1));
        Assert.Null(reopened.Read(2, new Cookie(2)));
        Assert.Equal(TestVolumes.Data(3), reopened.Read(3));
    }

    [Fact]
    public async Task Append_AfterDispose_Throws()
    {
        using var directory = new TempDirectory();
        var volume = TestVolumes.Create(directory);
        await volume.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(async () => await volume.AppendAsync(1));
    }

    [Fact]
    public void Options_OutOfRange_AreRejected()
    {
        using var directory = new TempDirectory();

        Assert.Throws<ArgumentOutOfRangeException>(() => NeedleVolume.Create(TestVolumes.Options(directory.Path, size: (32L << 30) + 1), TestVolumes.Group, TestVolumes.Id));
        Assert.Throws<ArgumentOutOfRangeException>(() => NeedleVolume.Create(TestVolumes.Options(directory.Path, size: 1000), TestVolumes.Group, TestVolumes.Id));
        Assert.Throws<ArgumentException>(() => NeedleVolume.Create(new VolumeOptions(), TestVolumes.Group, TestVolumes.Id));
    }
}
