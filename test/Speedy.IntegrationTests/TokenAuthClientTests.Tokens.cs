using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>
/// Tokens handed to the registry by hand (HttpClient): the index refuses another service, the registry refuses a
/// broken signature, another audience and an expired token; and pull counts reaching the UI.
/// </summary>
public sealed partial class TokenAuthClientTests
{
    private static readonly TimeSpan s_pullCountWait = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task TokenEndpoint_ForAnotherService_Answers400()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var http = _fixture.Server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "token?service=other&scope=repository:admin/app:pull");
        request.Headers.Authorization = Basic("admin", _fixture.AdminPassword);

        using var response = await http.SendAsync(request, cancellationToken);

        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"GET /token?service=other answered {(int)response.StatusCode}: {body}");
        using var document = JsonDocument.Parse(body);
        Assert.Equal("invalid_request", document.RootElement.GetProperty("error").GetString());
        Assert.Contains($"service \"{await ServiceAsync(http, cancellationToken)}\" only", document.RootElement.GetProperty("error_description").GetString(), StringComparison.Ordinal);
        Assert.False(document.RootElement.TryGetProperty("token", out _));
    }

    [Fact]
    public async Task Registry_TokenWithABrokenSignature_Answers401InvalidToken()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (http, token, manifest) = await PushAndGetPullTokenAsync("auth-signature", "mona", cancellationToken);
        using (http)
        {
            var (status, _) = await GetManifestAsync(http, manifest, token, cancellationToken);
            Assert.Equal(HttpStatusCode.OK, status);

            var parts = token.Split('.');
            var signature = parts[2].ToCharArray();
            signature[10] = signature[10] == 'A' ? 'B' : 'A';
            var broken = $"{parts[0]}.{parts[1]}.{new string(signature)}";
            var (brokenStatus, challenge) = await GetManifestAsync(http, manifest, broken, cancellationToken);

            Assert.Equal(HttpStatusCode.Unauthorized, brokenStatus);
            Assert.Contains("error=\"invalid_token\"", challenge, StringComparison.Ordinal);
        }
    }

    /// <summary>
    /// The registry checks the audience and the expiry, not only the signature: a token the index issued, re-signed with
    /// the index's own key (read from its data directory) after changing one claim, is refused; re-signed unchanged, it
    /// is accepted (so the refusals are about the claim). An expired token cannot be waited for (five minutes), so it is
    /// made this way too.
    /// </summary>
    [Fact]
    public async Task Registry_TokenReSignedWithTheIndexKey_ForAnotherAudienceOrExpired_Answers401()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        var (http, token, manifest) = await PushAndGetPullTokenAsync("auth-claims", "nina", cancellationToken);
        using (http)
        {
            var keys = Directory.GetFiles(_fixture.KeysDirectory, "es256-*.pem");
            Assert.True(keys.Length == 1, $"expected the index's one signing key under {_fixture.KeysDirectory}, found {keys.Length}");
            using var key = ECDsa.Create();
            key.ImportFromPem(await File.ReadAllTextAsync(keys[0], cancellationToken));

            var unchanged = ReSign(token, key, _ => { });
            Assert.Equal(HttpStatusCode.OK, (await GetManifestAsync(http, manifest, unchanged, cancellationToken)).Status);

            var otherAudience = ReSign(token, key, claims => claims["aud"] = "other");
            var (audienceStatus, audienceChallenge) = await GetManifestAsync(http, manifest, otherAudience, cancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, audienceStatus);
            Assert.Contains("error=\"invalid_token\"", audienceChallenge, StringComparison.Ordinal);

            var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
            var expired = ReSign(token, key, claims =>
            {
                claims["iat"] = now - 600;
                claims["nbf"] = now - 600;
                claims["exp"] = now - 300;
            });
            var (expiredStatus, expiredChallenge) = await GetManifestAsync(http, manifest, expired, cancellationToken);
            Assert.Equal(HttpStatusCode.Unauthorized, expiredStatus);
            Assert.Contains("error=\"invalid_token\"", expiredChallenge, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Pulls_ReachTheRepositoryPageAndExplore()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("auth-pulls");
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", [4096], _output, cancellationToken);
        var password = await CreateUserAsync("olga", cancellationToken);
        var credentials = $"olga:{password}";
        var remote = $"docker://{Authority}/olga/app:v1";
        await Skopeo.CopyAsync(image.Reference, remote, _output, cancellationToken, "--dest-tls-verify=false", "--dest-creds", credentials);

        const int Pulls = 3;
        for (var pull = 0; pull < Pulls; pull++)
        {
            // One manifest GET each.
            await RawManifestDigestAsync(remote, credentials, cancellationToken);
        }

        using var olga = await SignInAsync("olga", password, cancellationToken);
        var started = DateTime.UtcNow;
        while (true)
        {
            var repository = await olga.GetAsync("/repo/olga/app", cancellationToken);
            var explore = await olga.GetAsync("/?q=olga&sort=pulls", cancellationToken);
            var shown = RepositoryPulls().Match(repository.Body);
            var card = ExploreCardPulls().Match(explore.Body);
            Assert.True(shown.Success, $"/repo/olga/app ({(int)repository.Status}) shows no pull count:{Environment.NewLine}{repository.Body}");
            Assert.True(card.Success, $"explore ({(int)explore.Status}) lists no olga/app card with a pull count:{Environment.NewLine}{explore.Body}");
            var (onPage, onCard) = (ParseCount(shown), ParseCount(card));
            if (onPage == Pulls && onCard == Pulls)
            {
                break;
            }

            Assert.True(onPage <= Pulls && onCard <= Pulls, $"the UI counts more pulls ({onPage} on the page, {onCard} in explore) than the {Pulls} made");
            Assert.True(
                DateTime.UtcNow - started < s_pullCountWait,
                $"after {s_pullCountWait.TotalSeconds} s the UI shows {onPage} pulls on the page and {onCard} in explore, not {Pulls}");
            await Task.Delay(500, cancellationToken);
        }
    }

    /// <summary>
    /// A user <paramref name="user"/> pushes a small image to <c>USER/app:v1</c>; a client for the server, a pull token
    /// for that repository from <c>GET /token</c> (Basic credentials), and the image's manifest digest.
    /// </summary>
    private async Task<(HttpClient Http, string Token, string Manifest)> PushAndGetPullTokenAsync(string prefix, string user, CancellationToken cancellationToken)
    {
        using var temp = TempDirectory.Create(prefix);
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", [4096], _output, cancellationToken);
        var password = await CreateUserAsync(user, cancellationToken);
        await Skopeo.CopyAsync(
            image.Reference, $"docker://{Authority}/{user}/app:v1", _output, cancellationToken, "--dest-tls-verify=false", "--dest-creds", $"{user}:{password}");

        var http = _fixture.Server.CreateClient();
        try
        {
            var service = await ServiceAsync(http, cancellationToken);
            using var request = new HttpRequestMessage(HttpMethod.Get, $"token?service={Uri.EscapeDataString(service)}&scope=repository:{user}/app:pull");
            request.Headers.Authorization = Basic(user, password);
            using var response = await http.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /token answered {(int)response.StatusCode}: {body}");
            using var document = JsonDocument.Parse(body);
            return (http, document.RootElement.GetProperty("token").GetString()!, image.Manifest.Digest); // The index always sends "token".
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>The service the registry's challenge names (<c>GET /v2/</c> without credentials).</summary>
    private static async Task<string> ServiceAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync("v2/", cancellationToken);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = response.Headers.WwwAuthenticate.ToString();
        var service = ChallengeService().Match(challenge);
        Assert.True(service.Success, $"GET /v2/ challenged with \"{challenge}\", naming no service");
        return service.Groups["service"].Value;
    }

    /// <summary><c>GET /v2/NAME/manifests/DIGEST</c> with <paramref name="token"/>; the status and the challenge, if any.</summary>
    private static async Task<(HttpStatusCode Status, string Challenge)> GetManifestAsync(
        HttpClient http, string manifest, string token, CancellationToken cancellationToken)
    {
        var repository = ManifestRepository(token);
        using var request = new HttpRequestMessage(HttpMethod.Get, $"v2/{repository}/manifests/{manifest}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.ParseAdd(OciLayout.ManifestMediaType);
        using var response = await http.SendAsync(request, cancellationToken);
        return (response.StatusCode, response.Headers.WwwAuthenticate.ToString());
    }

    /// <summary>The repository the token's single <c>access</c> entry names.</summary>
    private static string ManifestRepository(string token)
    {
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[1]))!; // The index's tokens are JWTs with a JSON payload.
        return claims["access"]![0]!["name"]!.GetValue<string>(); // Asked for one repository, granted pull on it.
    }

    /// <summary>The token with its claims changed by <paramref name="change"/>, signed again (ES256) with <paramref name="key"/>; the header is kept.</summary>
    private static string ReSign(string token, ECDsa key, Action<JsonObject> change)
    {
        var parts = token.Split('.');
        var claims = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!.AsObject(); // A JWT's payload is a JSON object.
        change(claims);
        var signed = $"{parts[0]}.{Base64Url.EncodeToString(Encoding.UTF8.GetBytes(claims.ToJsonString()))}";
        var signature = key.SignData(Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        return $"{signed}.{Base64Url.EncodeToString(signature)}";
    }

    private static AuthenticationHeaderValue Basic(string user, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}")));

    private static int ParseCount(Match match) =>
        int.Parse(match.Groups["count"].Value, NumberStyles.AllowThousands, CultureInfo.InvariantCulture);

    [GeneratedRegex("<span id=\"pulls\">Pulls <strong>(?<count>[0-9,]+)</strong>")]
    private static partial Regex RepositoryPulls();

    [GeneratedRegex("href=\"/repo/olga/app\">(?:(?!</li>).)*?Pulls <strong>(?<count>[0-9,]+)</strong>", RegexOptions.Singleline)]
    private static partial Regex ExploreCardPulls();
}
