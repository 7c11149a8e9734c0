using System.Net;

namespace Speedy.Testing;

/// <summary>When a started process counts as ready: <see cref="Url"/> answers <see cref="Status"/> within <see cref="Timeout"/>.</summary>
public sealed class ReadinessProbe
{
    public required Uri Url { get; init; }

    public HttpStatusCode Status { get; init; } = HttpStatusCode.OK;

    /// <summary>How long the process may take to answer, from the first probe.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The time limit of one probe request.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>The pause between two probes.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromMilliseconds(50);

    /// <summary>Makes the probe's client (for example one that trusts a test certificate); a plain client when null.</summary>
    public Func<HttpClient>? CreateClient { get; init; }
}
