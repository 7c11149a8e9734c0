using System.Text;
using Speedy.Testing;

namespace Speedy.MetaServer.Tests;

/// <summary>The real <c>speedy metaserver</c> process, driven through <see cref="MetaClient"/>.</summary>
public sealed class MetaServerCommandTests : IDisposable
{
    private readonly TempDirectory _directory = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _directory.Dispose();

    [Fact]
    public async Task SpeedyMetaserver_ServesPutGetMoveAndList_AndKeepsThemAcrossARestart()
    {
        var data = Path.Combine(_directory.Path, "data");
        await using (var server = await MetaServerProcess.StartAsync(["--data", data], Token))
        {
            Assert.Contains("speedy metaserver: listening on", server.Output, StringComparison.Ordinal);
            await using var client = new MetaClient(new MetaClientOptions { Servers = [server.Address] });

            await client.PutAsync("/uploads/u1/data", MetaEntry.Inline(Encoding.UTF8.GetBytes("layer")), Token);
            Assert.Equal(8, await client.AppendFragmentsAsync("/uploads/u2/data", [new(0, 0, 8, "3.1,1e22dabc8", 42)], Token));
            Assert.True(await client.MoveAsync("/uploads/u1/data", "/blobs/sha256/ab/abc/data", Token));

            Assert.Equal("layer", Encoding.UTF8.GetString((await client.GetAsync("/blobs/sha256/ab/abc/data", Token))!.Content.Span));
            Assert.Equal(["u2"], await client.ListAsync("/uploads", null, 10, Token));
        }

        Assert.True(File.Exists(Path.Combine(data, "meta.db")));
        await using (var restarted = await MetaServerProcess.StartAsync(["--data", data, "--store", "sqlite"], Token))
        {
            await using var client = new MetaClient(new MetaClientOptions { Servers = [restarted.Address] });

            Assert.Equal(["blobs", "uploads"], await client.ListAsync("/", null, 10, Token));
            Assert.Equal("layer", Encoding.UTF8.GetString((await client.GetAsync("/blobs/sha256/ab/abc/data", Token))!.Content.Span));
            var upload = await client.GetAsync("/uploads/u2/data", Token);
            Assert.NotNull(upload);
            Assert.Equal([new MetaFragment(0, 0, 8, "3.1,1e22dabc8", 42)], upload.Fragments);
        }
    }

    [Theory]
    [InlineData(new[] { "--store", "postgres" }, "connection string")]
    [InlineData(new[] { "--listen", "nowhere" }, "not ip:port")]
    public async Task SpeedyMetaserver_WithBadSettings_ExitsWith2AndSaysWhy(string[] arguments, string message)
    {
        var (exitCode, output) = await MetaServerProcess.RunToExitAsync(["--data", _directory.Path, .. arguments], Token);

        Assert.Equal(2, exitCode);
        Assert.Contains(message, output, StringComparison.Ordinal);
    }
}
