using Speedy.Index.Store;
using Speedy.Index.Tokens;
using Speedy.Testing;

namespace Speedy.Index.Tests;

public sealed class BootstrapTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EnsureAdmin_OnAnEmptyStore_CreatesAdminAndPrintsItsPasswordOnce_StoringOnlyTheHash()
    {
        using var directory = new TempDirectory();
        await using var store = await SqliteIndexStore.OpenAsync(directory.Combine("index.db"), TimeProvider.System, Token);
        var hasher = new PasswordHasher(4);
        var output = new StringWriter();

        var password = await IndexBootstrap.EnsureAdminAsync(store, hasher, output, Token);
        var again = await IndexBootstrap.EnsureAdminAsync(store, hasher, output, Token);

        Assert.NotNull(password);
        Assert.Null(again);
        Assert.Equal($"speedy index: created admin user; one-time password: {password}; change it{Environment.NewLine}", output.ToString());
        var admin = await store.GetAccountAsync("admin", Token);
        Assert.NotNull(admin);
        Assert.True(admin.IsAdmin);
        Assert.DoesNotContain(password, admin.SecretHash, StringComparison.Ordinal);
        Assert.True(PasswordHasher.Verify(password, admin.SecretHash));
        Assert.StartsWith("$2", admin.SecretHash, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheFirstStartOfAnIndex_PrintsThePassword_WhichThenSignsIn()
    {
        await using var index = await TestIndex.StartAsync();

        var line = index.Console.ToString();
        var password = line.Split("one-time password: ")[1].Split(';')[0];
        await index.ReadGrantAsync(await index.GetTokenAsync("admin", password, "registry:catalog:*"));
        Assert.Single(await index.Store.ListAuditAsync(new AuditQuery { Action = AuditActions.UserCreated }, Token));
    }
}
