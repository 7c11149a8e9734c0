using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Speedy.Auth;
using Speedy.Index.Events;
using Speedy.Index.Keys;
using Speedy.Index.Store;
using Speedy.Index.Tokens;
using Speedy.Testing;

namespace Speedy.Index.Tests;

/// <summary>
/// A real index on Kestrel (loopback, a free port) over a SQLite store in a temporary directory, with bcrypt at its
/// lowest cost and a clock the test moves (it starts at the real time, so issued tokens validate as they are).
/// </summary>
public sealed class TestIndex : IAsyncDisposable
{
    public const string EventsSecret = "events-secret-0123456789";

    private readonly TempDirectory _directory = new();
    private WebApplication? _app;

    private TestIndex(IndexOptions options) => Options = options;

    public IndexOptions Options { get; }

    public ManualTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    public StringWriter Console { get; } = new();

    public HttpClient Client { get; } = new();

    public IIndexStore Store => Services.GetRequiredService<IIndexStore>();

    public IServiceProvider Services => (_app ?? throw new InvalidOperationException("not started")).Services;

    public PasswordHasher Hasher => Services.GetRequiredService<PasswordHasher>();

    public static async Task<TestIndex> StartAsync(Action<IndexOptions>? configure = null)
    {
        var options = new IndexOptions { BcryptWorkFactor = 4, EventsSecret = EventsSecret, PullFlushInterval = TimeSpan.FromHours(1) };
        configure?.Invoke(options);
        var index = new TestIndex(options);
        options.Data = index._directory.Path;
        await FreePort.StartOnFreePortAsync(async port =>
        {
            options.Listen = $"127.0.0.1:{port}";
            var store = await SqliteIndexStore.OpenAsync(Path.Combine(index._directory.CreateSubdirectory("db"), "index.db"), index.Clock, CancellationToken.None);
            var app = IndexHost.Build(options, store, builder =>
            {
                builder.Services.AddSingleton<TimeProvider>(index.Clock);
                builder.Services.AddSingleton(new IndexConsole(index.Console));
            });
            try
            {
                await app.StartAsync();
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }

            index._app = app;
            index.Client.BaseAddress = new Uri($"http://127.0.0.1:{port}/");
            return app;
        });
        return index;
    }

    public async Task<Account> UserAsync(string name, string password, bool isAdmin = false) =>
        await Store.CreateUserAsync(name, Hasher.Hash(password), isAdmin, CancellationToken.None);

    public static AuthenticationHeaderValue Basic(string name, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{name}:{secret}")));

    /// <summary>GET /token with optional Basic credentials and the given scopes.</summary>
    public async Task<HttpResponseMessage> GetTokenAsync(string? name, string? secret, params string[] scopes)
    {
        var query = "token?service=" + Uri.EscapeDataString(Options.Service) + string.Concat(scopes.Select(scope => "&scope=" + Uri.EscapeDataString(scope)));
        using var request = new HttpRequestMessage(HttpMethod.Get, query);
        if (name is not null && secret is not null)
        {
            request.Headers.Authorization = Basic(name, secret);
        }

        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>The access a successful token response grants, after validating the token against the served JWKS.</summary>
    public async Task<(JsonWebToken Token, string[] Access)> ReadGrantAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        var raw = body.RootElement.GetProperty("token").GetString()!;
        Assert.Equal(raw, body.RootElement.GetProperty("access_token").GetString());
        Assert.Equal(300, body.RootElement.GetProperty("expires_in").GetInt32());
        var token = await ValidateAsync(raw);
        var access = token.TryGetPayloadValue<JsonElement>(TokenProtocol.AccessClaim, out var claim)
            ? claim.EnumerateArray().Select(element => ResourceAccess.FromJson(element)!.ToString()).ToArray()
            : [];
        return (token, access);
    }

    /// <summary>Validates a token as a registry would: the JWKS served, ES256, issuer, audience, lifetime.</summary>
    public async Task<JsonWebToken> ValidateAsync(string raw)
    {
        var jwks = new JsonWebKeySet(await Client.GetStringAsync(TokenProtocol.JwksPath.TrimStart('/'), TestContext.Current.CancellationToken));
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(raw, new TokenValidationParameters
        {
            ValidIssuer = Options.Issuer,
            ValidAudience = Options.Service,
            IssuerSigningKeys = jwks.GetSigningKeys(),
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            RequireSignedTokens = true,
            LifetimeValidator = (notBefore, expires, _, _) =>
                notBefore <= Clock.UtcNow.UtcDateTime.AddSeconds(30) && expires > Clock.UtcNow.UtcDateTime.AddSeconds(-30),
        });
        Assert.True(result.IsValid, result.Exception?.Message);
        return (JsonWebToken)result.SecurityToken;
    }

    public async Task<HttpResponseMessage> PostFormAsync(params (string Key, string Value)[] fields) =>
        await Client.PostAsync(
            "token",
            new FormUrlEncodedContent(fields.Select(field => new KeyValuePair<string, string>(field.Key, field.Value))),
            TestContext.Current.CancellationToken);

    public async Task<HttpResponseMessage> PostEventsAsync(string secret, object body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "events") { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", secret);
        return await Client.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public IndexEvents Events => Services.GetRequiredService<IndexEvents>();

    public SigningKeyRing Keys => Services.GetRequiredService<SigningKeyRing>();

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        _directory.Dispose();
    }
}
