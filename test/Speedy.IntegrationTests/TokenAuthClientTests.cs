using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>
/// The real clients against <c>speedy server</c> with token authentication on: <c>docker login</c>, <c>podman
/// login</c> and <c>skopeo --dest-creds</c> with the bootstrap administrator, a user made in the admin UI, that user's
/// personal access token and a robot account (each made through the UI's forms), pushing and pulling byte-identical
/// images; and what they are refused (this file: sign-ins and round trips; <c>.Refusals.cs</c>: what is denied;
/// <c>.Tokens.cs</c>: tokens handed to the registry by hand, and pull counts).
/// </summary>
public sealed partial class TokenAuthClientTests : IClassFixture<TokenAuthServerFixture>
{
    private readonly TokenAuthServerFixture _fixture;
    private readonly ITestOutputHelper _output;

    public TokenAuthClientTests(TokenAuthServerFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
        fixture.Attach(output);
    }

    private string Authority => _fixture.Server.Authority;

    [Fact]
    public async Task Admin_WithTheBootstrapPassword_LogsInWithEveryClient_AndPushesAndPullsByteIdentical()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("auth-admin");

        await RoundTripWithEveryClientAsync(temp, "admin", _fixture.AdminPassword, "admin/app", cancellationToken);
    }

    [Fact]
    public async Task User_CreatedInTheAdminUi_LogsInWithEveryClient_AndPushesAndPullsInItsNamespace()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("auth-user");
        var password = await CreateUserAsync("carol", cancellationToken);

        await RoundTripWithEveryClientAsync(temp, "carol", password, "carol/app", cancellationToken);
    }

    [Fact]
    public async Task PersonalAccessToken_FromTheTokensPage_LogsInWithEveryClient_AndPushesAndPulls()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("auth-pat");
        var password = await CreateUserAsync("dave", cancellationToken);
        using var dave = await SignInAsync("dave", password, cancellationToken);
        var token = await dave.CreateTokenAsync("ci", ["pull", "push"], cancellationToken);
        Assert.StartsWith("spd_pat_", token, StringComparison.Ordinal);

        await RoundTripWithEveryClientAsync(temp, "dave", token, "dave/app", cancellationToken);
    }

    [Fact]
    public async Task Robot_WithPushOnARepository_LogsInWithEveryClient_AndPushesAndPullsThere()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("auth-robot");
        await CreateUserAsync("erin", cancellationToken);
        using var admin = await SignInAsync("admin", _fixture.AdminPassword, cancellationToken);
        var (robot, secret) = await admin.CreateRobotAsync("erin", "ci", "app: pull,push", cancellationToken);
        Assert.Equal("robot$erin+ci", robot);
        Assert.StartsWith("spd_robot_", secret, StringComparison.Ordinal);

        await RoundTripWithEveryClientAsync(temp, robot, secret, "erin/app", cancellationToken);
    }

    /// <summary>
    /// With <paramref name="user"/> and <paramref name="secret"/>: <c>docker login</c>, <c>podman login</c> and
    /// <c>skopeo copy --dest-creds</c> succeed; skopeo pushes a umoci image to <c>REPOSITORY:skopeo</c> and pulls it back
    /// byte-identical; podman pushes it to <c>REPOSITORY:podman</c> and a second podman store pulls it back (same image
    /// id, same manifest digest, and the registry holds exactly the manifest podman pushed); docker reads both with its
    /// stored login.
    /// </summary>
    private async Task RoundTripWithEveryClientAsync(TempDirectory temp, string user, string secret, string repository, CancellationToken cancellationToken)
    {
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", [4096, 150_000], _output, cancellationToken);
        var credentials = $"{user}:{secret}";

        var docker = new DockerClient(temp.Combine("docker-config"), _output);
        var login = (await docker.LoginAsync(Authority, user, secret, cancellationToken)).EnsureSuccess();
        Assert.Contains("Login Succeeded", login.StandardOutput, StringComparison.Ordinal);

        var skopeoRemote = $"docker://{Authority}/{repository}:skopeo";
        await Skopeo.CopyAsync(image.Reference, skopeoRemote, _output, cancellationToken, "--dest-tls-verify=false", "--dest-creds", credentials);
        var pulled = new OciLayout(temp.Combine("pulled"));
        await Skopeo.CopyAsync(skopeoRemote, pulled.Reference("v1"), _output, cancellationToken, "--src-tls-verify=false", "--src-creds", credentials);
        OciAssert.SameContent(image.Layout, image.Manifest, pulled, "v1");
        Assert.Equal(image.Manifest.Digest, await RawManifestDigestAsync(skopeoRemote, credentials, cancellationToken));

        var authFile = temp.Combine("podman-auth.json");
        var podmanReference = $"{Authority}/{repository}:podman";
        using var pusher = new PodmanStore(temp.CreateSubdirectory("pusher"), _output);
        var podmanLogin = (await pusher.RunAsync(
            ["login", "--authfile", authFile, "--tls-verify=false", "--username", user, "--password-stdin", Authority], cancellationToken, secret)).EnsureSuccess();
        Assert.Contains("Login Succeeded", podmanLogin.StandardOutput, StringComparison.Ordinal);
        var imageId = await pusher.RunCheckedAsync(["pull", image.Reference], cancellationToken);
        await pusher.RunCheckedAsync(["tag", imageId, podmanReference], cancellationToken);
        var digestFile = temp.Combine("podman.digest");
        await pusher.RunCheckedAsync(["push", "--authfile", authFile, "--tls-verify=false", "--digestfile", digestFile, podmanReference], cancellationToken);
        var pushedDigest = File.ReadAllText(digestFile).Trim();
        Assert.Equal(pushedDigest, await RawManifestDigestAsync($"docker://{podmanReference}", credentials, cancellationToken));

        using var puller = new PodmanStore(temp.CreateSubdirectory("puller"), _output);
        await puller.RunCheckedAsync(["pull", "--authfile", authFile, "--tls-verify=false", podmanReference], cancellationToken);
        Assert.Equal(imageId, await puller.RunCheckedAsync(["image", "inspect", "--format", "{{.Id}}", podmanReference], cancellationToken));
        Assert.Equal(pushedDigest, await puller.RunCheckedAsync(["image", "inspect", "--format", "{{.Digest}}", podmanReference], cancellationToken));

        foreach (var (tag, digest) in new[] { ("skopeo", image.Manifest.Digest), ("podman", pushedDigest) })
        {
            var inspected = (await docker.RunAsync(
                ["manifest", "inspect", "--insecure", "--verbose", $"{Authority}/{repository}:{tag}"], cancellationToken)).EnsureSuccess();
            using var document = JsonDocument.Parse(inspected.StandardOutput);
            Assert.Equal(digest, document.RootElement.GetProperty("Descriptor").GetProperty("digest").GetString());
        }
    }

    /// <summary>The digest of the bytes the registry serves for <paramref name="reference"/> (<c>skopeo inspect --raw</c>).</summary>
    private async Task<string> RawManifestDigestAsync(string reference, string credentials, CancellationToken cancellationToken)
    {
        var raw = (await Skopeo.RunAsync(["inspect", "--raw", "--tls-verify=false", "--creds", credentials, reference], _output, cancellationToken)).EnsureSuccess();
        return OciLayout.Sha256Digest(Encoding.UTF8.GetBytes(raw.StandardOutput));
    }

    /// <summary>A user made by the administrator in <c>/admin/users</c>; its one-time password.</summary>
    private async Task<string> CreateUserAsync(string name, CancellationToken cancellationToken)
    {
        using var admin = await SignInAsync("admin", _fixture.AdminPassword, cancellationToken);
        return await admin.CreateUserAsync(name, cancellationToken);
    }

    private async Task<IndexWebClient> SignInAsync(string name, string password, CancellationToken cancellationToken)
    {
        var client = new IndexWebClient(_fixture.Server.BaseAddress);
        try
        {
            await client.SignInAsync(name, password, cancellationToken);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    /// <summary>Runs a command that must fail; its standard error.</summary>
    private static string Refused(CommandResult result)
    {
        Assert.True(result.ExitCode != 0, $"`{result.CommandLine}` succeeded but should have been refused.{Environment.NewLine}{result.Describe()}");
        return result.StandardError;
    }

    [GeneratedRegex("service=\"(?<service>[^\"]+)\"")]
    private static partial Regex ChallengeService();
}
