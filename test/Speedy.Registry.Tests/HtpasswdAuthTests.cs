using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.TestHost;
using Speedy.Registry.Tests.Support;
using Speedy.Testing;

namespace Speedy.Registry.Tests;

/// <summary>The registry's simple mode: HTTP Basic against an htpasswd file of bcrypt hashes.</summary>
public sealed class HtpasswdAuthTests : IDisposable
{
    private const string Challenge = "Basic realm=\"speedy\"";
    private readonly TempDirectory _temp = TempDirectory.Create("registry-htpasswd");

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task GoodUser_MayPushPullListAndDelete()
    {
        await using var registry = await StartAsync();
        using var client = Client(registry, "alice", "s3cret:with:colons");
        using (var response = await client.GetAsync("/v2/", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }

        var (body, digest) = await Oci.PushImageAsync(client, "team/app", "v1");
        Assert.Equal(body, await client.GetByteArrayAsync($"/v2/team/app/manifests/{digest}", Oci.Token));
        using (var catalog = await client.GetAsync("/v2/_catalog", Oci.Token))
        {
            Assert.Equal(HttpStatusCode.OK, catalog.StatusCode);
        }

        using var delete = await client.DeleteAsync($"/v2/team/app/manifests/{digest}", Oci.Token);
        Assert.Equal(HttpStatusCode.Accepted, delete.StatusCode);
    }

    [Theory]
    [InlineData("alice", "wrong")]
    [InlineData("alice", "")]
    [InlineData("alice", "s3cret")]
    [InlineData("Alice", "s3cret:with:colons")]
    [InlineData("mallory", "s3cret:with:colons")]
    public async Task WrongPasswordOrUnknownUser_Returns401BasicChallenge(string user, string password)
    {
        await using var registry = await StartAsync();
        using var client = Client(registry, user, password);
        foreach (var path in (string[])["/v2/", "/v2/team/app/tags/list"])
        {
            using var response = await client.GetAsync(path, Oci.Token);
            await Oci.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
            Assert.Equal(Challenge, Oci.Header(response, "WWW-Authenticate"));
        }

        using var push = await client.PostAsync("/v2/team/app/blobs/uploads/", null, Oci.Token);
        await Oci.AssertErrorAsync(push, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Empty(await Oci.ListFilesAsync(registry.Driver, "/"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic")]
    [InlineData("Basic !!!not-base64!!!")]
    [InlineData("Basic YWxpY2U=")]
    [InlineData("Basic OnMzY3JldDp3aXRoOmNvbG9ucw==")]
    [InlineData("Basic //79")]
    [InlineData("Bearer eyJhbGciOiJub25lIn0.e30.")]
    [InlineData("Digest username=\"alice\"")]
    public async Task MissingOrMalformedCredentials_Return401BasicChallenge(string? authorization)
    {
        await using var registry = await StartAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v2/");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await registry.Client.SendAsync(request, Oci.Token);
        await Oci.AssertErrorAsync(response, HttpStatusCode.Unauthorized, "UNAUTHORIZED");
        Assert.Equal(Challenge, Oci.Header(response, "WWW-Authenticate"));
    }

    [Fact]
    public async Task ConfiguredRealm_IsTheBasicRealm()
    {
        await using var registry = await StartAsync(realm: "team registry");
        using var response = await registry.Client.GetAsync("/v2/", Oci.Token);
        Assert.Equal("Basic realm=\"team registry\"", Oci.Header(response, "WWW-Authenticate"));
    }

    [Fact]
    public async Task NonBcryptLine_IsRefusedAtStartup()
    {
        var path = _temp.Combine("md5.htpasswd");
        File.WriteAllText(path, "alice:$apr1$Vx5Lq7yR$ZPjTUR0Nsh5Hc/N0FMBT/.\n");
        var options = new AuthOptions { Mode = AuthModes.Htpasswd, Htpasswd = path };
        var validation = Assert.Throws<InvalidDataException>(() => options.Validate());
        Assert.Contains("only bcrypt", validation.Message, StringComparison.Ordinal);
        var start = await Assert.ThrowsAsync<InvalidDataException>(() => TestRegistry.StartAsync(configure: o => o.Auth = options));
        Assert.Contains("MD5", start.Message, StringComparison.Ordinal);
    }

    private async Task<TestRegistry> StartAsync(string? realm = null)
    {
        var path = _temp.Combine("users.htpasswd");
        File.WriteAllText(path, $"# users\n{Line("alice", "s3cret:with:colons")}\n{Line("bob", "hunter2")}\n");
        return await TestRegistry.StartAsync(configure: options => options.Auth = new AuthOptions { Mode = AuthModes.Htpasswd, Htpasswd = path, Realm = realm });
    }

    private static string Line(string user, string password) => $"{user}:$2y${BCrypt.Net.BCrypt.HashPassword(password, 5)[4..]}";

    private static HttpClient Client(TestRegistry registry, string user, string password)
    {
        var client = registry.App.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return client;
    }
}
