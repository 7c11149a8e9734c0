using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>`speedy registry --auth …` as a process: the real skopeo through htpasswd authentication, and refused settings.</summary>
public sealed class AuthTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SkopeoCopy_WithHtpasswdCredentials_PushesAndPullsBack_AndWrongCredentialsAreRefused()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("skopeo-htpasswd");
        var htpasswd = temp.Combine("users.htpasswd");
        await File.WriteAllTextAsync(htpasswd, $"alice:$2y${BCrypt.Net.BCrypt.HashPassword("pa55:word", 6)[4..]}\n", cancellationToken);
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", [4096, 300_000], output, cancellationToken);
        await using var registry = await RegistryProcess.StartAuthenticatedRegistryAsync(
            temp.CreateSubdirectory("data"), ["--auth", "htpasswd", "--htpasswd", htpasswd], output, cancellationToken);
        var remote = $"docker://{registry.Authority}/private/app:v1";

        await Skopeo.CopyAsync(image.Reference, remote, output, cancellationToken, "--dest-tls-verify=false", "--dest-creds", "alice:pa55:word");
        var pulled = new OciLayout(temp.Combine("pulled"));
        await Skopeo.CopyAsync(remote, pulled.Reference("v1"), output, cancellationToken, "--src-tls-verify=false", "--src-creds", "alice:pa55:word");
        OciAssert.SameContent(image.Layout, image.Manifest, pulled, "v1");

        var wrong = await Skopeo.RunAsync(
            ["copy", "--dest-tls-verify=false", "--dest-creds", "alice:guess", image.Reference, $"docker://{registry.Authority}/private/other:v1"], output, cancellationToken);
        Assert.NotEqual(0, wrong.ExitCode);
        Assert.Contains("unauthorized", wrong.StandardError, StringComparison.OrdinalIgnoreCase);

        var anonymous = await Skopeo.RunAsync(["inspect", "--tls-verify=false", "--no-creds", remote], output, cancellationToken);
        Assert.NotEqual(0, anonymous.ExitCode);
    }

    [Theory]
    [InlineData("md5", "only bcrypt hashes are supported")]
    [InlineData("missing", "does not exist")]
    [InlineData("none", "needs --htpasswd")]
    public async Task Registry_WithABadHtpasswdSetting_RefusesToStart(string file, string message)
    {
        using var temp = TempDirectory.Create("htpasswd-refused");
        var path = temp.Combine("users.htpasswd");
        if (file == "md5")
        {
            await File.WriteAllTextAsync(path, "alice:$apr1$Vx5Lq7yR$ZPjTUR0Nsh5Hc/N0FMBT/.\n", TestContext.Current.CancellationToken);
        }

        string[] arguments = file == "none" ? ["registry", "--auth", "htpasswd"] : ["registry", "--auth", "htpasswd", "--htpasswd", path];
        var (exitCode, text) = await SpeedyProcess.RunToExitAsync([.. arguments, "--listen", "127.0.0.1:0", "--data", temp.Path], output.WriteLine, TestContext.Current.CancellationToken);
        Assert.Equal(2, exitCode);
        Assert.Contains(message, text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--auth", "token" }, "needs --auth-realm")]
    [InlineData(new[] { "--auth", "token", "--auth-realm", "/token" }, "needs --auth-realm")]
    [InlineData(new[] { "--auth", "token", "--auth-realm", "https://index.test/token" }, "needs --auth-jwks")]
    [InlineData(new[] { "--auth", "token", "--auth-realm", "https://index.test/token", "--auth-jwks", "file:///etc/keys" }, "needs --auth-jwks")]
    [InlineData(new[] { "--auth", "token", "--auth-realm", "https://index.test/token\"x", "--auth-jwks", "https://index.test/jwks" }, "without quotes")]
    [InlineData(new[] { "--auth", "tokens" }, "tokens")]
    public async Task Registry_WithAnIncompleteTokenSetting_RefusesToStart(string[] arguments, string message)
    {
        using var temp = TempDirectory.Create("token-refused");
        var (exitCode, text) = await SpeedyProcess.RunToExitAsync(
            ["registry", .. arguments, "--listen", "127.0.0.1:0", "--data", temp.Path], output.WriteLine, TestContext.Current.CancellationToken);
        Assert.NotEqual(0, exitCode);
        Assert.Contains(message, text, StringComparison.Ordinal);
    }
}
