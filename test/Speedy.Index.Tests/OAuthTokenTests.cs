using System.Net;
using System.Text.Json;
using Speedy.Index.Store;

namespace Speedy.Index.Tests;

/// <summary>POST /token: OAuth2's password and refresh_token grants, and offline tokens from GET.</summary>
public sealed class OAuthTokenTests : IAsyncLifetime
{
    private TestIndex? _index;

    private TestIndex Index => _index!;

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _index = await TestIndex.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_index is not null)
        {
            await _index.DisposeAsync();
        }
    }

    [Fact]
    public async Task PasswordGrant_WithOfflineAccess_ReturnsARefreshToken_ThatTheRefreshGrantAccepts_UntilRevoked()
    {
        var alice = await Index.UserAsync("alice", "alice-password");

        var login = await Index.PostFormAsync(
            ("grant_type", "password"), ("username", "alice"), ("password", "alice-password"), ("client_id", "docker"),
            ("access_type", "offline"), ("service", "speedy-registry"), ("scope", "repository:alice/app:pull repository:alice/app:push"));
        var refresh = await RefreshTokenOfAsync(login);
        var (_, access) = await Index.ReadGrantAsync(login);
        Assert.Equal(["repository:alice/app:pull", "repository:alice/app:push"], access);
        Assert.StartsWith("spd_refresh_", refresh, StringComparison.Ordinal);

        var refreshed = await Index.PostFormAsync(
            ("grant_type", "refresh_token"), ("refresh_token", refresh), ("client_id", "docker"), ("service", "speedy-registry"),
            ("scope", "repository:alice/app:pull,push"));
        var (token, granted) = await Index.ReadGrantAsync(refreshed);
        Assert.Equal("alice", token.Subject);
        Assert.Equal(["repository:alice/app:pull,push"], granted);

        await Index.Store.RevokeRefreshTokensAsync(alice.Id, Token);
        var reused = await Index.PostFormAsync(("grant_type", "refresh_token"), ("refresh_token", refresh), ("service", "speedy-registry"));
        Assert.Equal(HttpStatusCode.Unauthorized, reused.StatusCode);
        Assert.Contains(
            await Index.Store.ListAuditAsync(new AuditQuery { Action = AuditActions.LoginFailed }, Token),
            entry => entry.Detail == "revoked refresh token");
    }

    [Fact]
    public async Task GetWithOfflineToken_ReturnsARefreshTokenForPasswordsOnly()
    {
        var alice = await Index.UserAsync("alice", "alice-password");
        var pat = Tokens.IndexSecrets.Create(Tokens.IndexSecrets.AccessTokenPrefix);
        await Index.Store.CreateAccessTokenAsync(alice.Id, "laptop", Tokens.IndexSecrets.Hash(pat), ["pull", "push"], null, Token);

        using var withPassword = new HttpRequestMessage(HttpMethod.Get, "token?service=speedy-registry&offline_token=true&client_id=docker");
        withPassword.Headers.Authorization = TestIndex.Basic("alice", "alice-password");
        Assert.StartsWith("spd_refresh_", await RefreshTokenOfAsync(await Index.Client.SendAsync(withPassword, Token)), StringComparison.Ordinal);

        using var withToken = new HttpRequestMessage(HttpMethod.Get, "token?service=speedy-registry&offline_token=true");
        withToken.Headers.Authorization = TestIndex.Basic("alice", pat);
        var response = await Index.Client.SendAsync(withToken, Token);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        Assert.False(body.RootElement.TryGetProperty("refresh_token", out _));
    }

    [Fact]
    public async Task PasswordGrant_WithAWrongPassword_Is401()
    {
        await Index.UserAsync("alice", "alice-password");

        var response = await Index.PostFormAsync(("grant_type", "password"), ("username", "alice"), ("password", "wrong"), ("service", "speedy-registry"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task BadRequests_Are400WithTheErrorJson()
    {
        Assert.Equal(HttpStatusCode.BadRequest, (await Index.PostFormAsync(("grant_type", "client_credentials"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Index.PostFormAsync(("grant_type", "password"), ("username", "alice"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Index.PostFormAsync(("grant_type", "refresh_token"))).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Index.PostFormAsync(("grant_type", "password"), ("service", "other"))).StatusCode);
        var json = await Index.Client.PostAsync("token", new StringContent("{}", System.Text.Encoding.UTF8, "application/json"), Token);
        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        using var body = JsonDocument.Parse(await json.Content.ReadAsStringAsync(Token));
        Assert.Equal("invalid_request", body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task RefreshGrant_WithAnUnknownToken_Is401()
    {
        var response = await Index.PostFormAsync(("grant_type", "refresh_token"), ("refresh_token", "spd_refresh_made-up"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private static async Task<string> RefreshTokenOfAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Token));
        return body.RootElement.GetProperty("refresh_token").GetString()!;
    }
}
