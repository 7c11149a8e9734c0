using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>What the clients are refused, and that they say so (401 from the index or the registry).</summary>
public sealed partial class TokenAuthClientTests
{
    [Fact]
    public async Task DockerLogin_WithAWrongPassword_FailsUnauthorized()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("auth-wrong-password");
        var password = await CreateUserAsync("frank", cancellationToken);
        var docker = new DockerClient(temp.Combine("docker-config"), _output);

        var error = Refused(await docker.LoginAsync(Authority, "frank", password + "x", cancellationToken));

        Assert.Contains("unauthorized: incorrect username or password", error, StringComparison.Ordinal);
        Assert.False(File.Exists(temp.Combine("docker-config", "config.json")) &&
            File.ReadAllText(temp.Combine("docker-config", "config.json")).Contains(Authority, StringComparison.Ordinal));
        (await docker.LoginAsync(Authority, "frank", password, cancellationToken)).EnsureSuccess();
    }

    [Fact]
    public async Task User_PushingIntoAnotherUsersNamespace_IsDenied()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("auth-other-namespace");
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", [4096], _output, cancellationToken);
        await CreateUserAsync("gina", cancellationToken);
        var hank = await CreateUserAsync("hank", cancellationToken);

        var skopeo = Refused(await Skopeo.RunAsync(
            ["copy", "--dest-tls-verify=false", "--dest-creds", $"hank:{hank}", image.Reference, $"docker://{Authority}/gina/app:v1"], _output, cancellationToken));
        AssertDenied(skopeo, "gina/app");

        using var podman = new PodmanStore(temp.CreateSubdirectory("podman"), _output);
        var authFile = temp.Combine("podman-auth.json");
        await podman.RunCheckedAsync(["login", "--authfile", authFile, "--tls-verify=false", "--username", "hank", "--password-stdin", Authority], cancellationToken, hank);
        var imageId = await podman.RunCheckedAsync(["pull", image.Reference], cancellationToken);
        await podman.RunCheckedAsync(["tag", imageId, $"{Authority}/gina/app:v1"], cancellationToken);
        var podmanError = Refused(await podman.RunAsync(["push", "--authfile", authFile, "--tls-verify=false", $"{Authority}/gina/app:v1"], cancellationToken));
        AssertDenied(podmanError, "gina/app");

        // Hank's own namespace takes the same image.
        await Skopeo.CopyAsync(image.Reference, $"docker://{Authority}/hank/app:v1", _output, cancellationToken, "--dest-tls-verify=false", "--dest-creds", $"hank:{hank}");
    }

    [Fact]
    public async Task PersonalAccessToken_WithOnlyPull_PushingIsDenied_AndPullingWorks()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("auth-pull-token");
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", [4096], _output, cancellationToken);
        var password = await CreateUserAsync("ivan", cancellationToken);
        await Skopeo.CopyAsync(image.Reference, $"docker://{Authority}/ivan/app:v1", _output, cancellationToken, "--dest-tls-verify=false", "--dest-creds", $"ivan:{password}");
        using var ivan = await SignInAsync("ivan", password, cancellationToken);
        var token = await ivan.CreateTokenAsync("read-only", ["pull"], cancellationToken);

        var error = Refused(await Skopeo.RunAsync(
            ["copy", "--dest-tls-verify=false", "--dest-creds", $"ivan:{token}", image.Reference, $"docker://{Authority}/ivan/app:v2"], _output, cancellationToken));
        Assert.Contains("the token of ivan does not grant push on repository ivan/app", error, StringComparison.Ordinal);

        var pulled = new OciLayout(temp.Combine("pulled"));
        await Skopeo.CopyAsync($"docker://{Authority}/ivan/app:v1", pulled.Reference("v1"), _output, cancellationToken, "--src-tls-verify=false", "--src-creds", $"ivan:{token}");
        OciAssert.SameContent(image.Layout, image.Manifest, pulled, "v1");
    }

    [Fact]
    public async Task PersonalAccessToken_Revoked_NoLongerLogsIn()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("auth-revoked-token");
        var password = await CreateUserAsync("jack", cancellationToken);
        using var jack = await SignInAsync("jack", password, cancellationToken);
        var token = await jack.CreateTokenAsync("laptop", ["pull", "push"], cancellationToken);
        (await new DockerClient(temp.Combine("before"), _output).LoginAsync(Authority, "jack", token, cancellationToken)).EnsureSuccess();

        await jack.RevokeTokenAsync("laptop", cancellationToken);

        var docker = Refused(await new DockerClient(temp.Combine("after"), _output).LoginAsync(Authority, "jack", token, cancellationToken));
        Assert.Contains("unauthorized: incorrect username or password", docker, StringComparison.Ordinal);
        using var podman = new PodmanStore(temp.CreateSubdirectory("podman"), _output);
        var podmanError = Refused(await podman.RunAsync(
            ["login", "--authfile", temp.Combine("podman-auth.json"), "--tls-verify=false", "--username", "jack", "--password-stdin", Authority], cancellationToken, token));
        Assert.Contains("invalid username/password", podmanError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Robot_PushingToARepositoryOutsideItsRights_IsDenied()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("auth-robot-rights");
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", [4096], _output, cancellationToken);
        await CreateUserAsync("kate", cancellationToken);
        using var admin = await SignInAsync("admin", _fixture.AdminPassword, cancellationToken);
        var (robot, secret) = await admin.CreateRobotAsync("kate", "deploy", "app: pull,push", cancellationToken);
        var credentials = $"{robot}:{secret}";
        await Skopeo.CopyAsync(image.Reference, $"docker://{Authority}/kate/app:v1", _output, cancellationToken, "--dest-tls-verify=false", "--dest-creds", credentials);

        var otherRepository = Refused(await Skopeo.RunAsync(
            ["copy", "--dest-tls-verify=false", "--dest-creds", credentials, image.Reference, $"docker://{Authority}/kate/other:v1"], _output, cancellationToken));
        AssertDenied(otherRepository, "kate/other");
        var otherNamespace = Refused(await Skopeo.RunAsync(
            ["copy", "--dest-tls-verify=false", "--dest-creds", credentials, image.Reference, $"docker://{Authority}/admin/app:robot"], _output, cancellationToken));
        AssertDenied(otherNamespace, "admin/app");

        // A robot that may only pull kate/app reads its blobs, and is refused the manifest with the registry's reason.
        var (reader, readerSecret) = await admin.CreateRobotAsync("kate", "reader", "app: pull", cancellationToken);
        var pullOnly = Refused(await Skopeo.RunAsync(
            ["copy", "--dest-tls-verify=false", "--dest-creds", $"{reader}:{readerSecret}", image.Reference, $"docker://{Authority}/kate/app:v2"], _output, cancellationToken));
        Assert.Contains($"the token of {reader} does not grant push on repository kate/app", pullOnly, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnonymousPull_OfAPrivateRepository_IsDenied_UntilTheOwnerMakesItPublicInTheUi()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("auth-private");
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", [4096, 50_000], _output, cancellationToken);
        var password = await CreateUserAsync("liam", cancellationToken);
        var remote = $"docker://{Authority}/liam/app:v1";
        await Skopeo.CopyAsync(image.Reference, remote, _output, cancellationToken, "--dest-tls-verify=false", "--dest-creds", $"liam:{password}");

        var skopeo = Refused(await Skopeo.RunAsync(["copy", "--src-tls-verify=false", "--src-no-creds", remote, new OciLayout(temp.Combine("denied")).Reference("v1")], _output, cancellationToken));
        Assert.Contains("an anonymous token does not grant pull on repository liam/app", skopeo, StringComparison.Ordinal);
        using var podman = new PodmanStore(temp.CreateSubdirectory("podman"), _output);
        var podmanAuth = temp.Combine("podman-auth.json");
        await File.WriteAllTextAsync(podmanAuth, "{}", cancellationToken);
        var podmanError = Refused(await podman.RunAsync(["pull", "--authfile", podmanAuth, "--tls-verify=false", $"{Authority}/liam/app:v1"], cancellationToken));
        Assert.Contains("an anonymous token does not grant pull on repository liam/app", podmanError, StringComparison.Ordinal);

        using (var liam = await SignInAsync("liam", password, cancellationToken))
        {
            await liam.SetVisibilityAsync("liam/app", isPublic: true, cancellationToken);
        }

        var pulled = new OciLayout(temp.Combine("pulled"));
        await Skopeo.CopyAsync(remote, pulled.Reference("v1"), _output, cancellationToken, "--src-tls-verify=false", "--src-no-creds");
        OciAssert.SameContent(image.Layout, image.Manifest, pulled, "v1");
        await podman.RunCheckedAsync(["pull", "--authfile", podmanAuth, "--tls-verify=false", $"{Authority}/liam/app:v1"], cancellationToken);
        var docker = new DockerClient(temp.Combine("docker-config"), _output);
        (await docker.RunAsync(["manifest", "inspect", "--insecure", $"{Authority}/liam/app:v1"], cancellationToken)).EnsureSuccess();

        // Anonymous pull is all a public repository gives: pushing still needs a member.
        var push = Refused(await Skopeo.RunAsync(
            ["copy", "--dest-tls-verify=false", "--dest-no-creds", image.Reference, $"docker://{Authority}/liam/app:v2"], _output, cancellationToken));
        Assert.Contains("an anonymous token does not grant push on repository liam/app", push, StringComparison.Ordinal);
    }

    /// <summary>
    /// A push into a repository the credential may not even pull from: the client's first request (HEAD of a blob)
    /// gets 401 with the challenge and, being a HEAD, no body, so the client reports the denial without the registry's
    /// message.
    /// </summary>
    private static void AssertDenied(string error, string repository)
    {
        Assert.Contains(repository, error, StringComparison.Ordinal);
        Assert.Contains("denied: requested access to the resource is denied", error, StringComparison.Ordinal);
        Assert.Contains("HTTP 401", error, StringComparison.Ordinal);
    }
}
