using System.Net;
using Speedy.ChunkServer.Tests.Harness;
using Speedy.Testing;
using Speedy.Volume;

namespace Speedy.ChunkServer.Tests;

/// <summary><c>PUT /needles/{fid}</c>: every member of a group stores a needle under the file id the writer chose.</summary>
public sealed class ReplicaPutTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task Put_OfOneFileId_OnTwoServersOfTheGroup_StoresItOnBoth()
    {
        await using var first = await TestChunkServer.StartAsync(_directory.Combine("a"), Token);
        await using var second = await TestChunkServer.StartAsync(_directory.Combine("b"), Token);
        var fileId = new FileId(new GroupId(1), new VolumeId(77), new NeedleId(0x1637), new Speedy.Volume.Cookie(0x037d6a1b));
        var data = Payload.Create(1, 70_000);

        await ChunkApi.PutAsync(first.Client, fileId, data, Token);
        await ChunkApi.PutAsync(second.Client, fileId, data, Token);

        foreach (var server in (TestChunkServer[])[first, second])
        {
            Assert.Equal(data, await ChunkApi.GetAsync(server.Client, fileId, Token));
            var volume = await ChunkApi.VolumeAsync(server.Client, fileId.Volume, Token);
            Assert.Equal(1, volume.Needles);
        }
    }

    [Fact]
    public async Task Put_OfAPostedFileId_OnASecondServer_CreatesTheVolumeThere()
    {
        await using var first = await TestChunkServer.StartAsync(_directory.Combine("a"), Token);
        await using var second = await TestChunkServer.StartAsync(_directory.Combine("b"), Token);
        var data = Payload.Create(2, 1000);
        var fileId = await ChunkApi.PostFileIdAsync(first.Client, data, Token);
        var elsewhere = fileId with { Volume = new VolumeId(fileId.Volume.Value + 100) };

        await ChunkApi.PutAsync(second.Client, elsewhere, data, Token);

        Assert.Equal(data, await ChunkApi.GetAsync(second.Client, elsewhere, Token));
        Assert.Contains(await ChunkApi.VolumesAsync(second.Client, Token), v => v.Id == elsewhere.Volume.Value);
    }

    [Fact]
    public async Task Put_AgainUnderTheSameFileId_ReplacesTheNeedle()
    {
        await using var server = await TestChunkServer.StartAsync(_directory.Path, Token);
        var fileId = new FileId(new GroupId(1), new VolumeId(5), new NeedleId(9), new Speedy.Volume.Cookie(0x12345678));

        await ChunkApi.PutAsync(server.Client, fileId, Payload.Create(1, 500), Token);
        await ChunkApi.PutAsync(server.Client, fileId, Payload.Create(2, 600), Token);

        Assert.Equal(Payload.Create(2, 600), await ChunkApi.GetAsync(server.Client, fileId, Token));
    }

    [Fact]
    public async Task Put_OfAFileIdOfAnotherGroup_Returns400AndCreatesNoVolume()
    {
        await using var server = await TestChunkServer.StartAsync(_directory.Path, Token);
        var before = await ChunkApi.VolumesAsync(server.Client, Token);
        var fileId = new FileId(new GroupId(2), new VolumeId(50), new NeedleId(1), new Speedy.Volume.Cookie(0xabcdef01));

        using var content = new ByteArrayContent(Payload.Create(1, 100));
        using var response = await server.Client.PutAsync($"/needles/{fileId}", content, Token);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("group", await ChunkApi.ErrorAsync(response, Token), StringComparison.Ordinal);
        Assert.Equal(before.Count, (await ChunkApi.VolumesAsync(server.Client, Token)).Count);
        Assert.False(File.Exists(Path.Combine(_directory.Path, "50.dat")));
    }

    [Fact]
    public async Task Put_WithoutContentLength_Returns411()
    {
        await using var server = await TestChunkServer.StartAsync(_directory.Path, Token);
        var fileId = new FileId(new GroupId(1), new VolumeId(5), new NeedleId(9), new Speedy.Volume.Cookie(0x12345678));

        using var content = ChunkApi.Chunked(Payload.Create(1, 100));
        using var response = await server.Client.PutAsync($"/needles/{fileId}", content, Token);

        Assert.Equal(HttpStatusCode.LengthRequired, response.StatusCode);
        await ChunkApi.ErrorAsync(response, Token);
    }

    [Fact]
    public async Task Post_AfterAPutOfAHighNeedleId_NeverReusesIt_EvenAfterARestart()
    {
        var server = await TestChunkServer.StartAsync(_directory.Path, Token);
        try
        {
            var first = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(1, 10), Token);
            var high = first with { Needle = new NeedleId(first.Needle.Value + 200_000), Cookie = new Speedy.Volume.Cookie(0x0badcafe) };
            await ChunkApi.PutAsync(server.Client, high, Payload.Create(2, 10), Token);

            server = await server.RestartAsync(Token);
            for (var i = 0; i < 20; i++)
            {
                var next = await ChunkApi.PostFileIdAsync(server.Client, Payload.Create(3, 10), Token);
                Assert.True(next.Needle.Value > high.Needle.Value, $"needle id {next.Needle} handed out again after a peer stored {high.Needle}");
            }

            Assert.Equal(Payload.Create(2, 10), await ChunkApi.GetAsync(server.Client, high, Token));
        }
        finally
        {
            await server.DisposeAsync();
        }
    }
}
