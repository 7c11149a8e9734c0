using System.Security.Cryptography.X509Certificates;

namespace Speedy.IntegrationTests.Harness;

/// <summary>
/// A P-256 certificate for CN=127.0.0.1 (SAN IP:127.0.0.1) made by the real `openssl`, as PEM files, plus a
/// certificate directory in the layout skopeo's `--*-cert-dir` expects (`ca.crt`).
/// </summary>
public sealed class SelfSignedCertificate : IDisposable
{
    private SelfSignedCertificate(string certificatePath, string keyPath, string certificateDirectory)
    {
        CertificatePath = certificatePath;
        KeyPath = keyPath;
        CertificateDirectory = certificateDirectory;
        Certificate = X509CertificateLoader.LoadCertificateFromFile(certificatePath);
    }

    public string CertificatePath { get; }

    public string KeyPath { get; }

    /// <summary>A directory holding only `ca.crt` (this certificate), for skopeo and podman.</summary>
    public string CertificateDirectory { get; }

    public X509Certificate2 Certificate { get; }

    public static async Task<SelfSignedCertificate> CreateAsync(
        string directory, ITestOutputHelper output, CancellationToken cancellationToken)
    {
        var certificatePath = Path.Combine(directory, "cert.pem");
        var keyPath = Path.Combine(directory, "key.pem");
        (await ExternalCommand.RunAsync(
            "openssl",
            [
                "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-days", "2",
                "-keyout", keyPath, "-out", certificatePath,
            ],
            new CommandOptions { Output = output, Timeout = TimeSpan.FromMinutes(1) },
            cancellationToken)).EnsureSuccess();

        var certificateDirectory = Directory.CreateDirectory(Path.Combine(directory, "certs.d")).FullName;
        File.Copy(certificatePath, Path.Combine(certificateDirectory, "ca.crt"));
        return new SelfSignedCertificate(certificatePath, keyPath, certificateDirectory);
    }

    public void Dispose() => Certificate.Dispose();
}
