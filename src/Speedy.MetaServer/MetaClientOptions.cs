using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Speedy.MetaServer;

/// <summary>Settings of <see cref="MetaClient"/>.</summary>
public sealed class MetaClientOptions
{
    /// <summary>
    /// The meta servers' base URLs (<c>http://10.0.0.7:7003/</c>), all serving the same store (one SQLite file, or
    /// one PostgreSQL database shared by several meta servers). The client uses one at a time and fails over to the
    /// next.
    /// </summary>
    public required IReadOnlyList<Uri> Servers { get; init; }

    /// <summary>How long one request to one server may take before the client gives up on that server.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long connecting to one server may take before the client tries the next.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(3);

    /// <summary>Where the client reports failing over from one server to the next.</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;
}
