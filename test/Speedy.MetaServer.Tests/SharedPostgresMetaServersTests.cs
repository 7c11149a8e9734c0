using System.Text;
using Speedy.Testing;

namespace Speedy.MetaServer.Tests;

/// <summary>
/// The highly available deployment: two real <c>speedy metaserver</c> processes on one PostgreSQL database (given
/// through <c>SPEEDY_CONNECTIONSTRING</c>), and a client that knows both.
/// </summary>
public sealed class SharedPostgresMetaServersTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoMetaServersOnOneDatabase_ServeTheSameNamespace_AndTheClientSurvivesLosingOne()
    {
        var connectionString = await postgres.CreateDatabaseAsync(options: null, Token);
        try
        {
            var environment = new Dictionary<string, string> { ["SPEEDY_CONNECTIONSTRING"] = connectionString };
            await using var first = await MetaServerProcess.StartAsync(["--store", "postgres"], environment, Token);
            await using var second = await MetaServerProcess.StartAsync(["--store", "postgres"], environment, Token);
            Assert.DoesNotContain(connectionString, first.Output, StringComparison.Ordinal);
            await using var client = new MetaClient(new MetaClientOptions { Servers = [first.Address, second.Address] });
            await using var onSecond = new MetaClient(new MetaClientOptions { Servers = [second.Address] });

            await client.PutAsync("/uploads/u/data", MetaEntry.Inline(Encoding.UTF8.GetBytes("layer")), Token);
            Assert.Equal(["uploads"], await onSecond.ListAsync("/", null, 10, Token));

            await first.KillAsync();

            Assert.True(await client.MoveAsync("/uploads/u/data", "/blobs/b/data", Token));
            Assert.Equal("layer", Encoding.UTF8.GetString((await client.GetAsync("/blobs/b/data", Token))!.Content.Span));
            Assert.Equal(["blobs"], await onSecond.ListAsync("/", null, 10, Token));
        }
        finally
        {
            await postgres.DropDatabaseAsync(connectionString, CancellationToken.None);
        }
    }
}
