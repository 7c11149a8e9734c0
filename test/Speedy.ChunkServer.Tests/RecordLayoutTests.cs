using Microsoft.Win32.SafeHandles;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.IO;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ChunkServer.Tests;

/// <summary>
/// The chunk server's reading of the volume format (<see cref="RecordLayout"/>) held to the engine's: it lists exactly
/// the needles the engine serves, and a record it rewrites reads back through the engine.
/// </summary>
public sealed class RecordLayoutTests : IDisposable
{
    private static readonly VolumeId s_volume = new(1);

    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task ListNeedles_IsWhatTheEngineServes_AfterOverwritesDeletesAndACompaction()
    {
        await using var volume = Create();
        var expected = new Dictionary<ulong, (Cookie Cookie, byte[] Data)>();
        for (var i = 0; i < 40; i++)
        {
            var id = 0x100 + ((ulong)i * 7);
            var cookie = new Cookie(0xfeed0000 + (uint)i);
            var data = Payload.Create((ulong)i, i == 3 ? 0 : (i * 977) % 20_000);
            await volume.AppendAsync(new NeedleId(id), cookie, data, Token);
            expected[id] = (cookie, data);
        }

        foreach (var i in (int[])[4, 9, 30])
        {
            var id = 0x100 + ((ulong)i * 7);
            var data = Payload.Create(500 + (ulong)i, 3333);
            await volume.AppendAsync(new NeedleId(id), expected[id].Cookie, data, Token);
            expected[id] = (expected[id].Cookie, data);
        }

        foreach (var i in (int[])[0, 9, 21, 39])
        {
            var id = 0x100 + ((ulong)i * 7);
            Assert.True(await volume.DeleteAsync(new NeedleId(id), expected[id].Cookie, Token));
            expected.Remove(id);
        }

        AssertListing(volume, expected);
        var before = volume.Revision;
        await volume.CompactAsync(Token);
        AssertListing(volume, expected);

        using var file = Open();
        var error = Assert.Throws<VolumeCorruptionException>(() => RecordLayout.ListNeedles(file, s_volume, before, volume.DurableOffset));
        Assert.Contains("superblock", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListNeedles_StopsAtABadHeader_NamingItsOffset()
    {
        await using var volume = Create();
        await volume.AppendAsync(new NeedleId(1), new Cookie(1), Payload.Create(1, 1000), Token);
        await volume.AppendAsync(new NeedleId(2), new Cookie(2), Payload.Create(2, 1000), Token);
        var second = RecordLayout.SuperblockSize + RecordLayout.RecordSize(1000);
        FlipByte(second + 9);

        using var file = Open();
        var error = Assert.Throws<VolumeCorruptionException>(() => RecordLayout.ListNeedles(file, s_volume, volume.Revision, volume.DurableOffset));

        Assert.Equal(second, error.Offset);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(4999)]
    [InlineData(5000)]
    [InlineData(5003)]
    [InlineData(5004)]
    public async Task RewriteData_OfARecordRottenInItsDataCrcOrPadding_MakesTheEngineReadItAgain_AndScrubClean(int rotAt)
    {
        await using var volume = Create();
        var data = Payload.Create(7, 5000);
        await volume.AppendAsync(new NeedleId(9), new Cookie(9), Payload.Create(8, 64), Token);
        await volume.AppendAsync(new NeedleId(10), new Cookie(10), data, Token);
        await volume.SealAsync(Token);
        var offset = RecordLayout.SuperblockSize + RecordLayout.RecordSize(64);
        FlipByte(offset + RecordLayout.HeaderSize + rotAt);
        var buffer = new byte[data.Length];
        var error = Assert.Throws<VolumeCorruptionException>(() => volume.TryRead(new NeedleId(10), new Cookie(10), buffer, out _));
        Assert.Equal(offset, error.Offset);

        using (var file = File.OpenHandle(Path(), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite))
        {
            Assert.True(RecordLayout.TryReadHeader(file, offset, out var header));
            Assert.Equal(new RecordHeader(RecordHeader.Live, new NeedleId(10), new Cookie(10), (uint)data.Length), header);
            Assert.Equal(rotAt < data.Length, RecordLayout.DataCrc(file, offset, header.Length, s_volume) != Crc32C.Compute(data));
            Assert.Equal(rotAt is >= 5000 and < 5004, RecordLayout.ReadStoredCrc(file, offset, header.Length, s_volume) != Crc32C.Compute(data));
            RecordLayout.RewriteData(file, offset, data, Crc32C.Compute(data));
        }

        Assert.True(volume.TryRead(new NeedleId(10), new Cookie(10), buffer, out var read));
        Assert.Equal(data, buffer[..read]);
        Assert.True((await volume.ScrubAsync(cancellationToken: Token)).IsClean);
    }

    private NeedleVolume Create() =>
        NeedleVolume.Create(new VolumeOptions { Directory = _directory.Path, Size = 8L << 20, Preallocate = false }, new GroupId(1), s_volume);

    private string Path() => _directory.Combine($"{s_volume}.dat");

    private SafeFileHandle Open() => File.OpenHandle(Path(), FileMode.Open, FileAccess.Read, FileShare.ReadWrite);

    private void AssertListing(NeedleVolume volume, Dictionary<ulong, (Cookie Cookie, byte[] Data)> expected)
    {
        using var file = Open();
        var listed = RecordLayout.ListNeedles(file, s_volume, volume.Revision, volume.DurableOffset);

        Assert.Equal(volume.NeedleCount, listed.Count);
        Assert.Equal(expected.Count, listed.Count);
        foreach (var needle in listed)
        {
            var (cookie, data) = expected[needle.Id];
            Assert.Equal(new ManifestNeedle(needle.Id, cookie.Value, data.Length, Crc32C.Compute(data)), needle);
            var buffer = new byte[Math.Max(1, data.Length)];
            Assert.True(volume.TryRead(new NeedleId(needle.Id), cookie, buffer, out var read));
            Assert.Equal(data, buffer[..read]);
        }
    }

    private void FlipByte(long offset)
    {
        using var file = new FileStream(Path(), FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        file.Position = offset;
        var value = file.ReadByte();
        file.Position = offset;
        file.WriteByte((byte)(value ^ 0x40));
    }
}
