using System.Net;
using System.Security.Authentication;
using Speedy.IntegrationTests.Harness;
using Speedy.Testing;

namespace Speedy.IntegrationTests;

/// <summary>`speedy registry --tls-cert --tls-key` with a P-256 certificate made by openssl.</summary>
public sealed class TlsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Https_ServesV2OverHttp2AndHttp11_WithTheConfiguredCertificate()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("tls-http");
        using var certificate = await SelfSignedCertificate.CreateAsync(temp.CreateSubdirectory("tls"), output, cancellationToken);
        await using var registry = await RegistryProcess.StartRegistryAsync(temp.CreateSubdirectory("data"), output, cancellationToken, certificate);
        Assert.Equal("https", registry.BaseAddress.Scheme);

        foreach (var version in new[] { HttpVersion.Version20, HttpVersion.Version11 })
        {
            // Exact version policy: the request fails rather than falling back if ALPN does not agree on it.
            using var client = registry.CreateClient(version);
            using var response = await client.GetAsync("v2/", cancellationToken);
            await RegistryApi.ExpectStatusAsync(response, HttpStatusCode.OK, cancellationToken);
            Assert.Equal(version, response.Version);
        }

        // Without trust in that certificate the handshake is refused: the server really presents it.
        using var untrusting = RegistryHttpClient.Create(registry.BaseAddress);
        var refused = await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync("v2/", cancellationToken));
        Assert.IsType<AuthenticationException>(refused.InnerException);
    }

    [Fact]
    public async Task SkopeoCopy_OverTls_PushesWithTheCertificateDirectoryOrWithoutVerification()
    {
        var cancellationToken = TestContext.Current.CancellationToken;
        using var temp = TempDirectory.Create("tls-skopeo");
        using var certificate = await SelfSignedCertificate.CreateAsync(temp.CreateSubdirectory("tls"), output, cancellationToken);
        var image = await OciImageBuilder.BuildAsync(temp.Combine("source"), "v1", "amd64", [30_000, 300_000, 1_000_000], output, cancellationToken);
        await using var registry = await RegistryProcess.StartRegistryAsync(temp.CreateSubdirectory("data"), output, cancellationToken, certificate);
        var verified = $"docker://{registry.Authority}/tls/app:verified";
        var unverified = $"docker://{registry.Authority}/tls/app:unverified";

        await Skopeo.CopyAsync(image.Reference, verified, output, cancellationToken, "--dest-cert-dir", certificate.CertificateDirectory);
        await Skopeo.CopyAsync(image.Reference, unverified, output, cancellationToken, "--dest-tls-verify=false");

        var pulled = new OciLayout(temp.Combine("pulled"));
        await Skopeo.CopyAsync(verified, pulled.Reference("verified"), output, cancellationToken, "--src-cert-dir", certificate.CertificateDirectory);
        await Skopeo.CopyAsync(unverified, pulled.Reference("unverified"), output, cancellationToken, "--src-cert-dir", certificate.CertificateDirectory);
        OciAssert.SameContent(image.Layout, image.Manifest, pulled, "verified");
        OciAssert.SameContent(image.Layout, image.Manifest, pulled, "unverified");

        // skopeo does verify: without the certificate directory it refuses the server.
        var refused = await Skopeo.RunAsync(["inspect", verified], output, cancellationToken);
        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("certificate", refused.StandardError, StringComparison.OrdinalIgnoreCase);
    }
}
