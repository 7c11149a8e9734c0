using System.Net;
using System.Security.Cryptography.X509Certificates;

namespace Speedy.IntegrationTests.Harness;

/// <summary>What to start: the `speedy` arguments and where the process is expected to listen.</summary>
public sealed class SpeedyStartInfo
{
    /// <summary>Everything after `speedy.dll`, for example `registry --listen 127.0.0.1:5000 --data DIR`.</summary>
    public required IReadOnlyList<string> Arguments { get; init; }

    /// <summary>The loopback port the process should end up listening on (from flags, a config file or the environment).</summary>
    public required int Port { get; init; }

    /// <summary>Variables set for the child on top of this process's environment (inherited SPEEDY_* are removed).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    public string? WorkingDirectory { get; init; }

    /// <summary>When set, the process serves HTTPS with this certificate and clients trust exactly it.</summary>
    public X509Certificate2? TlsCertificate { get; init; }

    public TimeSpan ReadyTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>What `GET /v2/` answers once the process is ready: 200, or 401 when authentication is on.</summary>
    public HttpStatusCode ReadyStatus { get; init; } = HttpStatusCode.OK;
}
