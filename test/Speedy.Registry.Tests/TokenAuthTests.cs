using System.Net;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Speedy.Auth;
using Speedy.Registry.Tests.Support;
using Speedy.Testing;

namespace Speedy.Registry.Tests;

/// <summary>
/// The registry in token mode: challenges exactly as Docker's token specification writes them, and every way a
/// request could get more than its token grants refused with 401 and the error JSON.
/// </summary>
public sealed class TokenAuthTests : IDisposable
{
    private const string Name = "team/app";
    private const string Service = "speedy-registry";
    private readonly TestTokenIssuer _issuer = new();

    public void Dispose() => _issuer.Dispose();

    [Fact]
    public async Task Base_WithoutCredentials_Returns401WithChallengeWithoutScope()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var response = await registry.Client.GetAsync("/v2/", Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal($"Bearer realm=\"{TokenRegistry.Realm}\",service=\"{Service}\"", TokenRegistry.Challenge(response));
    }

    [Fact]
    public async Task Base_WithAValidTokenGrantingNothing_Returns200()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var client = TokenRegistry.Client(registry, _issuer.Issue("alice"));
        using var response = await client.GetAsync("/v2/", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Base_WithAnInvalidToken_Returns401InvalidToken()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var forger = new TestTokenIssuer();
        using var client = TokenRegistry.Client(registry, forger.Issue("alice"));
        using var response = await client.GetAsync("/v2/", Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal($"Bearer realm=\"{TokenRegistry.Realm}\",service=\"{Service}\",error=\"invalid_token\"", TokenRegistry.Challenge(response));
    }

    [Fact]
    public async Task Base_WithBasicCredentials_Returns401Challenge()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/");
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes("alice:secret")));
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal($"Bearer realm=\"{TokenRegistry.Realm}\",service=\"{Service}\"", TokenRegistry.Challenge(response));
    }

    [Theory]
    [InlineData("GET", "/v2/team/app/tags/list", "repository:team/app:pull")]
    [InlineData("GET", "/v2/team/app/manifests/latest", "repository:team/app:pull")]
    [InlineData("HEAD", "/v2/team/app/manifests/latest", "repository:team/app:pull")]
    [InlineData("GET", "/v2/team/app/blobs/sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "repository:team/app:pull")]
    [InlineData("GET", "/v2/team/app/referrers/sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "repository:team/app:pull")]
    [InlineData("PUT", "/v2/team/app/manifests/latest", "repository:team/app:pull,push")]
    [InlineData("POST", "/v2/team/app/blobs/uploads/", "repository:team/app:pull,push")]
    [InlineData("PATCH", "/v2/team/app/blobs/uploads/0123456789abcdef0123456789abcdef?_state=x", "repository:team/app:pull,push")]
    [InlineData("PUT", "/v2/team/app/blobs/uploads/0123456789abcdef0123456789abcdef?_state=x", "repository:team/app:pull,push")]
    [InlineData("GET", "/v2/team/app/blobs/uploads/0123456789abcdef0123456789abcdef?_state=x", "repository:team/app:pull,push")]
    [InlineData("DELETE", "/v2/team/app/blobs/uploads/0123456789abcdef0123456789abcdef?_state=x", "repository:team/app:pull,push")]
    [InlineData("DELETE", "/v2/team/app/manifests/latest", "repository:team/app:delete")]
    [InlineData("DELETE", "/v2/team/app/blobs/sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "repository:team/app:delete")]
    [InlineData("GET", "/v2/_catalog", "registry:catalog:*")]
    [InlineData("POST", "/v2/team/app/blobs/uploads/?mount=sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855&from=team/base", "repository:team/app:pull,push repository:team/base:pull")]
    public async Task Endpoint_WithoutCredentials_Returns401WithTheScopeItNeeds(string method, string path, string scope)
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        using var response = await registry.Client.SendAsync(request, Oci.Token);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal($"Bearer realm=\"{TokenRegistry.Realm}\",service=\"{Service}\",scope=\"{scope}\"", TokenRegistry.Challenge(response));
        if (method != "HEAD")
        {
            await Oci.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }
        else
        {
            Assert.Empty(await response.Content.ReadAsByteArrayAsync(Oci.Token));
        }
    }

    [Fact]
    public async Task PushAndPull_WithTheGrantedScopes_Work()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var pusher = TokenRegistry.Client(registry, _issuer.Issue("alice", $"repository:{Name}:pull,push"));
        var (body, digest) = await Oci.PushImageAsync(pusher, Name, "v1");

        using var puller = TokenRegistry.Client(registry, _issuer.Issue(null, $"repository:{Name}:pull"));
        Assert.Equal(body, await puller.GetByteArrayAsync($"/v2/{Name}/manifests/{digest}", Oci.Token));
        using var tags = await puller.GetAsync($"/v2/{Name}/tags/list", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, tags.StatusCode);
    }

    [Fact]
    public async Task Push_WithATokenGrantingOnlyPull_Returns401InsufficientScopeAndStoresNothing()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var client = TokenRegistry.Client(registry, _issuer.Issue("alice", $"repository:{Name}:pull"));
        using var response = await client.PostAsync($"/v2/{Name}/blobs/uploads/?digest={Oci.Sha256([1, 2, 3])}", Oci.Octets([1, 2, 3]), Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal(
            $"Bearer realm=\"{TokenRegistry.Realm}\",service=\"{Service}\",scope=\"repository:{Name}:pull,push\",error=\"insufficient_scope\"",
            TokenRegistry.Challenge(response));
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/"));
    }

    [Fact]
    public async Task Push_ToRepositoryBWithATokenForRepositoryA_IsRefused()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var client = TokenRegistry.Client(registry, _issuer.Issue("alice", "repository:team/a:pull,push,delete"));
        await Oci.PushImageAsync(client, "team/a", "v1");

        foreach (var name in (string[])["team/b", "team/a/b", "team", "team/a-b"])
        {
            using var post = await client.PostAsync($"/v2/{name}/blobs/uploads/", null, Oci.Token);
            await Oci.AssertErrorAsync(post, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
            Assert.Contains("error=\"insufficient_scope\"", TokenRegistry.Challenge(post), StringComparison.Ordinal);
            using var put = await Oci.PutManifestAsync(client, name, "v1", Oci.OciManifest, Oci.Json(await Oci.PushImageContentAsync(client, "team/a", 2)));
            await Oci.AssertErrorAsync(put, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }

        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/repositories/team/b"));
    }

    [Fact]
    public async Task UploadSession_OpenedForAWithATokenForB_IsRefused()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var owner = TokenRegistry.Client(registry, _issuer.Issue("alice", "repository:team/a:pull,push"));
        var location = await Oci.StartUploadAsync(owner, "team/a");

        using var other = TokenRegistry.Client(registry, _issuer.Issue("mallory", "repository:team/b:pull,push"));
        using var patch = await other.PatchAsync(location, Oci.Octets([1, 2, 3]), Oci.Token);
        await Oci.AssertErrorAsync(patch, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        using var cancel = await other.DeleteAsync(location, Oci.Token);
        await Oci.AssertErrorAsync(cancel, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task Delete_WithoutTheDeleteRight_IsRefusedAndLeavesTheManifest()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var pusher = TokenRegistry.Client(registry, _issuer.Issue("alice", $"repository:{Name}:pull,push"));
        var (_, digest) = await Oci.PushImageAsync(pusher, Name, "v1");

        foreach (var target in (string[])[$"/v2/{Name}/manifests/v1", $"/v2/{Name}/manifests/{digest}"])
        {
            using var delete = await pusher.DeleteAsync(target, Oci.Token);
            await Oci.AssertErrorAsync(delete, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
            Assert.Equal(
                $"Bearer realm=\"{TokenRegistry.Realm}\",service=\"{Service}\",scope=\"repository:{Name}:delete\",error=\"insufficient_scope\"",
                TokenRegistry.Challenge(delete));
        }

        using var get = await pusher.GetAsync($"/v2/{Name}/manifests/v1", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);

        using var deleter = TokenRegistry.Client(registry, _issuer.Issue("admin", $"repository:{Name}:delete"));
        using var allowed = await deleter.DeleteAsync($"/v2/{Name}/manifests/{digest}", Oci.Token);
        Assert.Equal(HttpStatusCode.Accepted, allowed.StatusCode);
    }

    [Fact]
    public async Task Catalog_NeedsRegistryCatalogStar()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var everything = TokenRegistry.Client(registry, _issuer.Issue("alice", $"repository:{Name}:*"));
        using var refused = await everything.GetAsync("/v2/_catalog", Oci.Token);
        await Oci.AssertErrorAsync(refused, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal(
            $"Bearer realm=\"{TokenRegistry.Realm}\",service=\"{Service}\",scope=\"registry:catalog:*\",error=\"insufficient_scope\"",
            TokenRegistry.Challenge(refused));

        using var admin = TokenRegistry.Client(registry, _issuer.Issue("admin", "registry:catalog:*"));
        using var allowed = await admin.GetAsync("/v2/_catalog", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
    }

    public static TheoryData<string> ForgedTokens() => new(
        "another-key",
        "alg-none",
        "alg-none-with-signature",
        "hs256-public-key",
        "another-audience",
        "another-issuer",
        "expired",
        "not-yet-valid",
        "no-kid",
        "unknown-kid",
        "truncated",
        "garbage");

    [Theory]
    [MemberData(nameof(ForgedTokens))]
    public async Task Request_WithAForgedOrOutOfBoundsToken_Returns401InvalidToken(string kind)
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var admin = TokenRegistry.Client(registry, _issuer.Issue("admin", $"repository:{Name}:*"));
        await Oci.PushImageAsync(admin, Name, "v1");

        using var client = TokenRegistry.Client(registry, Forge(kind));
        using var get = await client.GetAsync($"/v2/{Name}/manifests/v1", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal(
            $"Bearer realm=\"{TokenRegistry.Realm}\",service=\"{Service}\",scope=\"repository:{Name}:pull\",error=\"invalid_token\"",
            TokenRegistry.Challenge(get));
        using var delete = await client.DeleteAsync($"/v2/{Name}/manifests/v1", Oci.Token);
        await Oci.AssertErrorAsync(delete, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        using var still = await admin.GetAsync($"/v2/{Name}/manifests/v1", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task Token_WithCraftedAccessEntries_GrantsOnlyWhatParsesStrictly()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var admin = TokenRegistry.Client(registry, _issuer.Issue("admin", "repository:team/a:*", "repository:team/b:*"));
        await Oci.PushImageAsync(admin, "team/a", "v1");
        await Oci.PushImageAsync(admin, "team/b", "v1");

        object[] crafted =
        [
            Entry("repository", "team/a", "pull"),
            Entry("repository", "team/a", "pull,push"),
            Entry("repository", "team/a/../b", "push"),
            Entry("repository", "team/a/../b", "pull"),
            Entry("repository", "team/%2e%2e/b", "pull"),
            Entry("repository", "Team/B", "pull"),
            Entry("repository", "team/b:pull", "pull"),
            Entry("repository", "*", "pull"),
            Entry("repository", "team/*", "pull"),
            Entry("repository", "team/a", "admin"),
            Entry("registry", "catalog", "pull"),
            "repository:team/b:pull",
        ];
        var token = _issuer.Issue("mallory", [], d => d.Claims[TokenProtocol.AccessClaim] = crafted);
        using var client = TokenRegistry.Client(registry, token);

        using var pullA = await client.GetAsync("/v2/team/a/manifests/v1", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, pullA.StatusCode);
        using var pushA = await client.PostAsync("/v2/team/a/blobs/uploads/", null, Oci.Token);
        await Oci.AssertErrorAsync(pushA, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        using var pullB = await client.GetAsync("/v2/team/b/manifests/v1", Oci.Token);
        await Oci.AssertErrorAsync(pullB, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        using var catalog = await client.GetAsync("/v2/_catalog", Oci.Token);
        await Oci.AssertErrorAsync(catalog, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Fact]
    public async Task ScopeInTheRequestQuery_IsIgnored()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var client = TokenRegistry.Client(registry, _issuer.Issue("mallory", "repository:team/a:pull"));
        using var response = await client.PostAsync("/v2/team/a/blobs/uploads/?scope=repository:team/a:push", null, Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
    }

    [Theory]
    [InlineData("/v2/team/a/../b/manifests/v1")]
    [InlineData("/v2/team/a/%2e%2e/b/manifests/v1")]
    [InlineData("/v2/team/a/%2E%2E/b/manifests/v1")]
    [InlineData("/v2/team%2fb/manifests/v1")]
    [InlineData("/v2/Team/B/manifests/v1")]
    [InlineData("/v2/team/a/./manifests/v1")]
    [InlineData("/v2/team//b/manifests/v1")]
    public async Task PathTricks_WithATokenForA_NeverReachB(string target)
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var admin = TokenRegistry.Client(registry, _issuer.Issue("admin", "repository:team/a:*", "repository:team/b:*"));
        await Oci.PushImageAsync(admin, "team/a", "v1");
        await Oci.PushImageAsync(admin, "team/b", "v1");

        var token = _issuer.Issue("mallory", "repository:team/a:pull,push,delete");
        foreach (var method in (HttpMethod[])[HttpMethod.Get, HttpMethod.Delete])
        {
            using var response = await RoutingTests.SendRawAsync(registry, method, target, authorization: "Bearer " + token);
            await Oci.AssertErrorAsync(response, HttpStatusCode.BadRequest, "NAME_INVALID");
        }

        using var still = await admin.GetAsync("/v2/team/b/manifests/v1", Oci.Token);
        Assert.Equal(HttpStatusCode.OK, still.StatusCode);
    }

    [Fact]
    public async Task Mount_WithoutPullOnTheSource_FallsBackToAnUploadSession()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var admin = TokenRegistry.Client(registry, _issuer.Issue("admin", "repository:team/secret:*"));
        var digest = await Oci.PushBlobAsync(admin, "team/secret", Oci.RandomBytes(1000, 7));

        using var client = TokenRegistry.Client(registry, _issuer.Issue("mallory", "repository:team/mine:pull,push"));
        using var response = await client.PostAsync($"/v2/team/mine/blobs/uploads/?mount={digest}&from=team/secret", null, Oci.Token);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Contains("/v2/team/mine/blobs/uploads/", Oci.Location(response), StringComparison.Ordinal);
        using var get = await client.GetAsync($"/v2/team/mine/blobs/{digest}", Oci.Token);
        await Oci.AssertErrorAsync(get, HttpStatusCode.NotFound, "BLOB_UNKNOWN");
    }

    [Fact]
    public async Task Mount_WithPullOnTheSource_Mounts()
    {
        await using var registry = await TokenRegistry.StartAsync(_issuer);
        using var admin = TokenRegistry.Client(registry, _issuer.Issue("admin", "repository:team/base:*"));
        var data = Oci.RandomBytes(1000, 8);
        var digest = await Oci.PushBlobAsync(admin, "team/base", data);

        using var client = TokenRegistry.Client(registry, _issuer.Issue("alice", "repository:team/app:pull,push", "repository:team/base:pull"));
        using var response = await client.PostAsync($"/v2/team/app/blobs/uploads/?mount={digest}&from=team/base", null, Oci.Token);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(data, await client.GetByteArrayAsync($"/v2/team/app/blobs/{digest}", Oci.Token));
    }

    [Fact]
    public async Task UnknownKid_RefreshesTheJwksOnceAndTheRotatedKeyIsAccepted()
    {
        var clock = new ManualClock();
        await using var jwks = await JwksServer.StartAsync(_issuer.Jwks(), Oci.Token);
        await using var registry = await TestRegistry.StartAsync(
            configure: options =>
            {
                options.Auth = TokenRegistry.Options(_issuer);
                options.Auth.Jwks = jwks.Url.ToString();
            },
            services: services => services.AddSingleton<TimeProvider>(clock));

        using (var client = TokenRegistry.Client(registry, _issuer.Issue("alice")))
        using (var response = await client.GetAsync("/v2/", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(1, jwks.Requests);

        // The index rotates to a new key; the registry learns it on the first token that names it.
        using var rotated = new TestTokenIssuer();
        jwks.Document = Jwks(_issuer, rotated);
        clock.Advance(JwksKeySource.RefreshInterval);
        using (var client = TokenRegistry.Client(registry, rotated.Issue("alice")))
        using (var response = await client.GetAsync("/v2/", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        Assert.Equal(2, jwks.Requests);

        // Made-up key ids right after do not make the registry fetch again.
        using var forger = new TestTokenIssuer();
        for (var i = 0; i < 5; i++)
        {
            using var client = TokenRegistry.Client(registry, forger.Issue("mallory"));
            using var response = await client.GetAsync("/v2/", Oci.Token);
            await Oci.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        }

        Assert.Equal(2, jwks.Requests);
    }

    private static Dictionary<string, object> Entry(string type, string name, string action) =>
        new(StringComparer.Ordinal) { ["type"] = type, ["name"] = name, ["actions"] = new[] { action } };

    private static string Jwks(params TestTokenIssuer[] issuers) =>
        "{\"keys\":[" + string.Join(',', issuers.Select(i => i.Jwks()[9..^2])) + "]}";

    private string Forge(string kind)
    {
        var access = new[] { ResourceAccess.Parse($"repository:{Name}:*")! };
        var now = DateTime.UtcNow;
        switch (kind)
        {
            case "another-key":
                using (var other = ECDsa.Create(ECCurve.NamedCurves.nistP256))
                {
                    return _issuer.Issue("mallory", access, d => d.SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(other) { KeyId = _issuer.KeyId }, SecurityAlgorithms.EcdsaSha256));
                }

            case "alg-none":
                return Unsigned(_issuer.Issue("mallory", access)) + ".";
            case "alg-none-with-signature":
                var valid = _issuer.Issue("mallory", access);
                return Unsigned(valid) + "." + valid.Split('.')[2];
            case "hs256-public-key":
                var secret = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(_issuer.Jwks())) { KeyId = _issuer.KeyId };
                return _issuer.Issue("mallory", access, d => d.SigningCredentials = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256));
            case "another-audience":
                return _issuer.Issue("mallory", access, d => d.Audience = "another-registry");
            case "another-issuer":
                return _issuer.Issue("mallory", access, d => d.Issuer = "another-index");
            case "expired":
                return _issuer.Issue("mallory", access, d => (d.IssuedAt, d.NotBefore, d.Expires) = (now.AddMinutes(-10), now.AddMinutes(-10), now.AddMinutes(-1)));
            case "not-yet-valid":
                return _issuer.Issue("mallory", access, d => (d.NotBefore, d.Expires) = (now.AddMinutes(2), now.AddMinutes(7)));
            case "no-kid":
                return _issuer.Issue("mallory", access, d => d.SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_issuer.SigningKey.ECDsa), SecurityAlgorithms.EcdsaSha256));
            case "unknown-kid":
                return _issuer.Issue("mallory", access, d => d.SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(_issuer.SigningKey.ECDsa) { KeyId = "other" }, SecurityAlgorithms.EcdsaSha256));
            case "truncated":
                var token = _issuer.Issue("mallory", access);
                return token[..^10];
            default:
                return "garbage";
        }
    }

    /// <summary>The token's claims under an <c>alg: none</c> header naming the issuer's key.</summary>
    private string Unsigned(string token) =>
        Base64UrlEncoder.Encode($"{{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"{_issuer.KeyId}\"}}") + "." + token.Split('.')[1];
}
