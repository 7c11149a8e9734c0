using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Speedy.IntegrationTests.Harness;

/// <summary>Builds HttpClients for a registry on loopback: no proxy, and for TLS trust in exactly one certificate.</summary>
public static class RegistryHttpClient
{
    public static HttpClient Create(Uri baseAddress, X509Certificate2? trustedCertificate = null, Version? version = null)
    {
        var handler = CreateHandler(trustedCertificate);
        var client = new HttpClient(handler) { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(100) };
        if (version is not null)
        {
            client.DefaultRequestVersion = version;
            client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        }

        return client;
    }

    public static SocketsHttpHandler CreateHandler(X509Certificate2? trustedCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        if (trustedCertificate is not null)
        {
            // Validate the server's chain against this one self-signed root; the host name check stays on.
            var policy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            policy.CustomTrustStore.Add(trustedCertificate);
            handler.SslOptions = new SslClientAuthenticationOptions { CertificateChainPolicy = policy };
        }

        return handler;
    }
}
