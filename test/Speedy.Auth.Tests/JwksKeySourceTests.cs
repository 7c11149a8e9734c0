using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.IdentityModel.Tokens;
using Speedy.Testing;

namespace Speedy.Auth.Tests;

/// <summary>The JWKS key source against a real HTTP server on loopback.</summary>
public sealed class JwksKeySourceTests : IDisposable
{
    private readonly TestTokenIssuer _issuer = new();
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ManualClock _clock = new();

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _client.Dispose();
        _issuer.Dispose();
    }

    [Fact]
    public async Task GetKeys_KnownKid_FetchesOnceAndServesFromTheCache()
    {
        await using var server = await JwksServer.StartAsync(_issuer.Jwks(), Token);
        var source = Source(server);
        for (var i = 0; i < 5; i++)
        {
            var keys = await source.GetKeysAsync(_issuer.KeyId, Token);
            Assert.Equal(_issuer.KeyId, Assert.Single(keys).KeyId);
        }

        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task GetKeys_UnknownKid_RefreshesOnceThenWaitsTheRefreshInterval()
    {
        await using var server = await JwksServer.StartAsync(_issuer.Jwks(), Token);
        var source = Source(server);
        await source.GetKeysAsync(_issuer.KeyId, Token);

        // The index rotated: a token names a key the cached set lacks.
        using var rotated = new TestTokenIssuer();
        server.Document = Jwks(_issuer, rotated);
        _clock.Advance(JwksKeySource.RefreshInterval);
        Assert.Equal(2, (await source.GetKeysAsync(rotated.KeyId, Token)).Count);
        Assert.Equal(2, server.Requests);

        // Made-up key ids do not make the registry hammer the index.
        for (var i = 0; i < 10; i++)
        {
            await source.GetKeysAsync("made-up-" + i, Token);
        }

        Assert.Equal(2, server.Requests);
        _clock.Advance(JwksKeySource.RefreshInterval);
        await source.GetKeysAsync("made-up-again", Token);
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task GetKeys_ConcurrentCallersWithAnUnknownKid_ShareOneFetch()
    {
        await using var server = await JwksServer.StartAsync(_issuer.Jwks(), Token);
        server.Delay = TimeSpan.FromMilliseconds(300);
        var source = Source(server);
        var calls = Enumerable.Range(0, 20).Select(_ => source.GetKeysAsync(_issuer.KeyId, Token).AsTask()).ToArray();
        var results = await Task.WhenAll(calls);
        Assert.All(results, keys => Assert.Equal(_issuer.KeyId, Assert.Single(keys).KeyId));
        Assert.Equal(1, server.Requests);
    }

    [Fact]
    public async Task GetKeys_IndexUnreachableWhenTheSetIsStale_KeepsTheLastGoodSet()
    {
        await using var server = await JwksServer.StartAsync(_issuer.Jwks(), Token);
        var source = Source(server);
        await source.GetKeysAsync(_issuer.KeyId, Token);

        server.Document = null;
        _clock.Advance(JwksKeySource.MaxAge);
        Assert.Equal(_issuer.KeyId, Assert.Single(await source.GetKeysAsync(_issuer.KeyId, Token)).KeyId);
        Assert.Equal(2, server.Requests);

        server.Document = "{ not json";
        _clock.Advance(JwksKeySource.RefreshInterval);
        Assert.Equal(_issuer.KeyId, Assert.Single(await source.GetKeysAsync(_issuer.KeyId, Token)).KeyId);
        Assert.Equal(3, server.Requests);
    }

    [Fact]
    public async Task GetKeys_StaleSet_IsRefetchedSoARetiredKeyStopsBeingTrusted()
    {
        await using var server = await JwksServer.StartAsync(_issuer.Jwks(), Token);
        var source = Source(server);
        await source.GetKeysAsync(_issuer.KeyId, Token);

        using var next = new TestTokenIssuer();
        server.Document = next.Jwks();
        _clock.Advance(JwksKeySource.MaxAge);
        Assert.Equal(next.KeyId, Assert.Single(await source.GetKeysAsync(_issuer.KeyId, Token)).KeyId);
    }

    [Fact]
    public async Task GetKeys_SetWithASymmetricKey_LeavesItOut()
    {
        var set = JsonNode.Parse(_issuer.Jwks())!.AsObject();
        set["keys"]!.AsArray().Add(new JsonObject { ["kty"] = "oct", ["kid"] = "hmac", ["k"] = Base64UrlEncoder.Encode(new byte[32]), ["alg"] = "HS256" });
        await using var server = await JwksServer.StartAsync(set.ToJsonString(), Token);
        var keys = await Source(server).GetKeysAsync("hmac", Token);
        Assert.Equal(_issuer.KeyId, Assert.Single(keys).KeyId);
    }

    [Fact]
    public async Task GetKeys_IndexDownAtTheFirstFetch_ReturnsNoKeysAndRetriesAfterTheInterval()
    {
        await using var server = await JwksServer.StartAsync(null, Token);
        var source = Source(server);
        Assert.Empty(await source.GetKeysAsync(_issuer.KeyId, Token));
        Assert.Empty(await source.GetKeysAsync(_issuer.KeyId, Token));
        Assert.Equal(1, server.Requests);

        server.Document = _issuer.Jwks();
        _clock.Advance(JwksKeySource.RefreshInterval);
        Assert.Single(await source.GetKeysAsync(_issuer.KeyId, Token));
    }

    [Fact]
    public async Task Validator_OverTheJwksSource_AcceptsTheIssuersTokenAndRefusesAnotherKeys()
    {
        await using var server = await JwksServer.StartAsync(_issuer.Jwks(), Token);
        var validator = new TokenValidator(_issuer.Issuer, _issuer.Audience, Source(server));
        Assert.True((await validator.ValidateAsync(_issuer.Issue("alice", "repository:a:pull"), Token)).IsValid);

        // The forger's kid is unknown: within the refresh interval the set is not fetched again, after it once.
        using var forger = new TestTokenIssuer();
        Assert.False((await validator.ValidateAsync(forger.Issue("mallory", "repository:a:push"), Token)).IsValid);
        Assert.Equal(1, server.Requests);
        _clock.Advance(JwksKeySource.RefreshInterval);
        Assert.False((await validator.ValidateAsync(forger.Issue("mallory", "repository:a:push"), Token)).IsValid);
        Assert.Equal(2, server.Requests);
    }

    private JwksKeySource Source(JwksServer server) => new(server.Url, _client, _clock, NullLogger<JwksKeySource>.Instance);

    private static string Jwks(params TestTokenIssuer[] issuers)
    {
        var keys = new JsonArray();
        foreach (var issuer in issuers)
        {
            keys.Add(JsonNode.Parse(issuer.Jwks())!["keys"]![0]!.DeepClone());
        }

        return new JsonObject { ["keys"] = keys }.ToJsonString();
    }
}
