using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Speedy.Testing;

namespace Speedy.Auth.Tests;

/// <summary>
/// The registry's token check against real tokens made with <see cref="JsonWebTokenHandler"/>, and against the forged
/// and out-of-bounds ones an attacker would try.
/// </summary>
public sealed class TokenValidatorTests : IDisposable
{
    private readonly TestTokenIssuer _issuer = new();
    private readonly TokenValidator _validator;

    public TokenValidatorTests()
    {
        _validator = new TokenValidator(_issuer.Issuer, _issuer.Audience, new StaticSigningKeySource(_issuer.PublicKeys));
    }

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    public void Dispose() => _issuer.Dispose();

    [Fact]
    public async Task Validate_TokenOfTheIssuer_ReturnsSubjectAndGrantedAccess()
    {
        var outcome = await _validator.ValidateAsync(_issuer.Issue("alice", "repository:team/app:pull,push", "registry:catalog:*"), Token);
        Assert.True(outcome.IsValid, outcome.Failure);
        Assert.Equal("alice", outcome.Subject);
        Assert.Equal(["repository:team/app:pull,push", "registry:catalog:*"], outcome.Access.Select(a => a.ToString()));
        Assert.True(outcome.Allows(ResourceTypes.Repository, "team/app", ResourceActions.Push));
        Assert.False(outcome.Allows(ResourceTypes.Repository, "team/app", ResourceActions.Delete));
        Assert.False(outcome.Allows(ResourceTypes.Repository, "team/other", ResourceActions.Pull));
    }

    [Fact]
    public async Task Validate_AnonymousToken_HasNoSubject()
    {
        var outcome = await _validator.ValidateAsync(_issuer.Issue(null, "repository:public/app:pull"), Token);
        Assert.True(outcome.IsValid, outcome.Failure);
        Assert.Null(outcome.Subject);
    }

    [Fact]
    public async Task Validate_Rs256TokenOfAKnownKey_IsValid()
    {
        using var rsa = RSA.Create(2048);
        var key = new RsaSecurityKey(rsa) { KeyId = "rsa-1" };
        var validator = new TokenValidator(_issuer.Issuer, _issuer.Audience, new StaticSigningKeySource([new RsaSecurityKey(rsa.ExportParameters(false)) { KeyId = "rsa-1" }]));
        var token = _issuer.Issue("alice", [ResourceAccess.Parse("repository:a:pull")!], d => d.SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.RsaSha256));
        var outcome = await validator.ValidateAsync(token, Token);
        Assert.True(outcome.IsValid, outcome.Failure);
    }

    [Fact]
    public async Task Validate_SignedByAnotherKeyUnderTheSameKid_IsRefused()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var token = _issuer.Issue("alice", [ResourceAccess.Parse("repository:a:pull")!], d =>
            d.SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(other) { KeyId = _issuer.KeyId }, SecurityAlgorithms.EcdsaSha256));
        await AssertRefusedAsync(token, "signature");
    }

    [Fact]
    public async Task Validate_SignedByAnUnknownKey_IsRefused()
    {
        using var other = new TestTokenIssuer();
        await AssertRefusedAsync(other.Issue("alice", "repository:a:pull"), "unknown key");
    }

    [Fact]
    public async Task Validate_UnsignedAlgNone_IsRefused()
    {
        var header = new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = _issuer.KeyId };
        await AssertRefusedAsync(Unsigned(header, Payload()) + ".", null);
        await AssertRefusedAsync(Unsigned(header, Payload()), null);
    }

    [Fact]
    public async Task Validate_AlgNoneWithTheSignatureOfAValidToken_IsRefused()
    {
        var valid = _issuer.Issue("alice", "repository:a:pull");
        var header = new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = _issuer.KeyId };
        await AssertRefusedAsync(Unsigned(header, Payload()) + "." + valid.Split('.')[2], null);
    }

    [Fact]
    public async Task Validate_Hs256WithThePublicKeyAsSecret_IsRefused()
    {
        // The classic key confusion: the verifier's public key, in every form it is published, used as an HMAC secret.
        string[] secrets =
        [
            _issuer.Jwks(),
            JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(ECDsa.Create(_issuer.SigningKey.ECDsa.ExportParameters(false)))).X,
            Convert.ToBase64String(_issuer.SigningKey.ECDsa.ExportSubjectPublicKeyInfo()),
        ];
        foreach (var secret in secrets)
        {
            var key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret.PadRight(64, '='))) { KeyId = _issuer.KeyId };
            var token = _issuer.Issue("alice", [ResourceAccess.Parse("repository:a:*")!], d => d.SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256));
            await AssertRefusedAsync(token, null);
        }
    }

    [Fact]
    public async Task Validate_Hs256EvenWithASymmetricKeyTheSourceKnows_IsRefused()
    {
        var secret = new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)) { KeyId = "hmac" };
        var validator = new TokenValidator(_issuer.Issuer, _issuer.Audience, new StaticSigningKeySource([secret]));
        var token = _issuer.Issue("alice", [ResourceAccess.Parse("repository:a:pull")!], d => d.SigningCredentials = new SigningCredentials(secret, SecurityAlgorithms.HmacSha256));
        Assert.False((await validator.ValidateAsync(token, Token)).IsValid);
    }

    [Fact]
    public async Task Validate_TokenForAnotherAudience_IsRefused() =>
        await AssertRefusedAsync(_issuer.Issue("alice", [ResourceAccess.Parse("repository:a:pull")!], d => d.Audience = "another-registry"), "another service");

    [Fact]
    public async Task Validate_TokenWithoutAudience_IsRefused() =>
        await AssertRefusedAsync(_issuer.Issue("alice", [ResourceAccess.Parse("repository:a:pull")!], d => d.Audience = null), null);

    [Fact]
    public async Task Validate_TokenOfAnotherIssuer_IsRefused() =>
        await AssertRefusedAsync(_issuer.Issue("alice", [ResourceAccess.Parse("repository:a:pull")!], d => d.Issuer = "someone-else"), "someone else");

    [Fact]
    public async Task Validate_ExpiredBeyondTheClockSkew_IsRefused()
    {
        var now = DateTime.UtcNow;
        var token = _issuer.Issue("alice", [ResourceAccess.Parse("repository:a:pull")!], d =>
        {
            d.IssuedAt = d.NotBefore = now.AddMinutes(-10);
            d.Expires = now.AddMinutes(-1);
        });
        await AssertRefusedAsync(token, "expired");
    }

    [Fact]
    public async Task Validate_ExpiredWithinTheClockSkew_IsValid()
    {
        var now = DateTime.UtcNow;
        var token = _issuer.Issue("alice", [ResourceAccess.Parse("repository:a:pull")!], d =>
        {
            d.IssuedAt = d.NotBefore = now.AddMinutes(-5);
            d.Expires = now.AddSeconds(-10);
        });
        Assert.True((await _validator.ValidateAsync(token, Token)).IsValid);
    }

    [Fact]
    public async Task Validate_NotBeforeInTheFuture_IsRefused()
    {
        var now = DateTime.UtcNow;
        var token = _issuer.Issue("alice", [ResourceAccess.Parse("repository:a:pull")!], d =>
        {
            d.IssuedAt = now;
            d.NotBefore = now.AddMinutes(2);
            d.Expires = now.AddMinutes(7);
        });
        await AssertRefusedAsync(token, "not valid yet");
    }

    [Fact]
    public async Task Validate_TokenWithoutExpiry_IsRefused()
    {
        var handler = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false };
        var token = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _issuer.Issuer,
            Audience = _issuer.Audience,
            SigningCredentials = new SigningCredentials(_issuer.SigningKey, SecurityAlgorithms.EcdsaSha256),
            Claims = new Dictionary<string, object> { ["sub"] = "alice", ["access"] = new[] { ResourceAccess.Parse("repository:a:pull")!.ToClaim() } },
        });
        await AssertRefusedAsync(token, "expiry");
    }

    [Fact]
    public async Task Validate_TokenWithoutKid_IsRefused()
    {
        var key = new ECDsaSecurityKey(_issuer.SigningKey.ECDsa);
        await AssertRefusedAsync(_issuer.Issue("alice", [ResourceAccess.Parse("repository:a:pull")!], d => d.SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.EcdsaSha256)), "kid");
    }

    [Theory]
    [InlineData("")]
    [InlineData("not-a-token")]
    [InlineData("a.b.c")]
    [InlineData("eyJhbGciOiJFUzI1NiJ9.e30.")]
    [InlineData("....")]
    public async Task Validate_Garbage_IsRefused(string token) => await AssertRefusedAsync(token, null);

    [Fact]
    public async Task Validate_TruncatedValidToken_IsRefusedAtEveryLength()
    {
        var token = _issuer.Issue("alice", "repository:a:pull");
        for (var length = 0; length < token.Length; length += 7)
        {
            Assert.False((await _validator.ValidateAsync(token[..length], Token)).IsValid, $"prefix of {length} characters was accepted");
        }
    }

    [Fact]
    public async Task Validate_AccessWithInvalidEntries_KeepsOnlyTheValidOnesUnwidened()
    {
        object[] access =
        [
            new Dictionary<string, object> { ["type"] = "repository", ["name"] = "a", ["actions"] = new[] { "pull" } },
            new Dictionary<string, object> { ["type"] = "repository", ["name"] = "a/../b", ["actions"] = new[] { "push" } },
            new Dictionary<string, object> { ["type"] = "repository", ["name"] = "%2e%2e", ["actions"] = new[] { "push" } },
            new Dictionary<string, object> { ["type"] = "repository", ["name"] = "B", ["actions"] = new[] { "push" } },
            new Dictionary<string, object> { ["type"] = "repository", ["name"] = "c", ["actions"] = new[] { "pull", "admin" } },
            new Dictionary<string, object> { ["type"] = "repository", ["name"] = "d", ["actions"] = "pull,push" },
            new Dictionary<string, object> { ["type"] = "registry", ["name"] = "catalog", ["actions"] = new[] { "pull" } },
            "repository:e:pull",
        ];
        var token = _issuer.Issue("alice", [], d => d.Claims[TokenProtocol.AccessClaim] = access);
        var outcome = await _validator.ValidateAsync(token, Token);
        Assert.True(outcome.IsValid, outcome.Failure);
        Assert.Equal(["repository:a:pull"], outcome.Access.Select(a => a.ToString()));
        Assert.False(outcome.Allows(ResourceTypes.Registry, "catalog", ResourceActions.All));
    }

    [Fact]
    public async Task Validate_AccessClaimMissingOrNotAnArray_GrantsNothing()
    {
        var missing = _issuer.Issue("alice", [], d => d.Claims.Remove(TokenProtocol.AccessClaim));
        var scalar = _issuer.Issue("alice", [], d => d.Claims[TokenProtocol.AccessClaim] = "repository:a:*");
        foreach (var token in new[] { missing, scalar })
        {
            var outcome = await _validator.ValidateAsync(token, Token);
            Assert.True(outcome.IsValid, outcome.Failure);
            Assert.Empty(outcome.Access);
        }
    }

    private async Task AssertRefusedAsync(string token, string? reason)
    {
        var outcome = await _validator.ValidateAsync(token, Token);
        Assert.False(outcome.IsValid, "the token was accepted");
        Assert.Empty(outcome.Access);
        Assert.Null(outcome.Subject);
        if (reason is not null)
        {
            Assert.Contains(reason, outcome.Failure, StringComparison.Ordinal);
        }
    }

    private JsonObject Payload()
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = _issuer.Issuer,
            ["aud"] = _issuer.Audience,
            ["sub"] = "mallory",
            ["iat"] = now,
            ["nbf"] = now,
            ["exp"] = now + 300,
            ["access"] = new JsonArray(new JsonObject { ["type"] = "repository", ["name"] = "a", ["actions"] = new JsonArray("*") }),
        };
    }

    private static string Unsigned(JsonObject header, JsonObject payload) =>
        Base64UrlEncoder.Encode(header.ToJsonString()) + "." + Base64UrlEncoder.Encode(payload.ToJsonString());
}
