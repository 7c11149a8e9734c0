using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Speedy.Hosting;
using Speedy.Index.Store;
using Speedy.Index.Tokens;
using Speedy.Index.Web;
using Speedy.Testing;

namespace Speedy.Index.Tests.Web;

/// <summary>
/// The index with its web UI, wired as the index's hosting wires it, behind a real Kestrel on a loopback port, over a
/// real SQLite store seeded with an administrator, two users and a public and a private repository.
/// </summary>
internal sealed class WebTestHost : IAsyncDisposable
{
    public const string AdminPassword = "admin-password-1";
    public const string AlicePassword = "alice-password-1";
    public const string BobPassword = "bob-password-1";
    public const string PublicRepository = "alice/web";
    public const string PrivateRepository = "alice/secret";

    private readonly TempDirectory _directory;

    private WebTestHost(TempDirectory directory, WebApplication app, Uri address)
    {
        _directory = directory;
        App = app;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public IIndexStore Store => App.Services.GetRequiredService<IIndexStore>();

    /// <param name="registryUrl">The registry the UI browses; none (tags unavailable) when null.</param>
    /// <param name="configure">Changes to the index's options before it starts.</param>
    public static async Task<WebTestHost> StartAsync(Uri? registryUrl = null, Action<IndexOptions>? configure = null)
    {
        var directory = TempDirectory.Create("index-web");
        try
        {
            var options = new IndexOptions { Listen = "127.0.0.1:0", Data = directory.Path, BcryptWorkFactor = 4 };
            configure?.Invoke(options);
            Directory.CreateDirectory(options.IndexDirectory);
            var store = await SqliteIndexStore.OpenAsync(options.DatabasePath, TimeProvider.System, TestContext.Current.CancellationToken);
            await SeedAsync(store, new PasswordHasher(options.BcryptWorkFactor));
            var builder = SpeedyWebHost.CreateBuilder(ListenAddress.ParseFlag(options.Listen, IndexOptions.DefaultListen), maxRequestBodySize: 1 << 20);
            builder.Services.AddSpeedyIndex(options, store);
            builder.Services.AddSpeedyIndexWeb(new IndexWebOptions
            {
                RegistryUrl = registryUrl,
                KeysDirectory = directory.Combine("web-keys"),
            });
            var app = builder.Build();
            app.MapSpeedyIndex();
            app.MapSpeedyIndexWeb();
            await app.StartAsync(TestContext.Current.CancellationToken);
            var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
            return new WebTestHost(directory, app, new Uri(address));
        }
        catch
        {
            directory.Dispose();
            throw;
        }
    }

    /// <summary>A browser-like client with its own cookies, not following redirects.</summary>
    public WebClient CreateClient() => new(Address);

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        _directory.Dispose();
    }

    private static async Task SeedAsync(SqliteIndexStore store, PasswordHasher hasher)
    {
        var token = TestContext.Current.CancellationToken;
        await store.CreateUserAsync("admin", hasher.Hash(AdminPassword), isAdmin: true, token);
        await store.CreateUserAsync("alice", hasher.Hash(AlicePassword), isAdmin: false, token);
        await store.CreateUserAsync("bob", hasher.Hash(BobPassword), isAdmin: false, token);
        await store.CreateRepositoryAsync(PublicRepository, isPublic: true, "# Web\n\nThe **web** image.", token);
        await store.CreateRepositoryAsync(PrivateRepository, isPublic: false, "Top secret.", token);
    }
}
