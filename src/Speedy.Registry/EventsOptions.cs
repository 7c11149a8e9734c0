namespace Speedy.Registry;

/// <summary>
/// Where the registry forwards its pushes, pulls and deletions when it runs apart from the index (the <c>Events</c>
/// section; <c>--events-url</c>, <c>--events-secret</c>): <c>POST &lt;Url&gt;/events</c> with the shared secret as a
/// Bearer token. Nothing is forwarded when <see cref="Url"/> is not set.
/// </summary>
public sealed class EventsOptions
{
    /// <summary>How many events wait for the index at most; more are dropped (and counted) rather than slow a request.</summary>
    public const int DefaultCapacity = 10_000;

    /// <summary>The index's base URL (absolute http or https); <c>/events</c> is appended.</summary>
    public string? Url { get; set; }

    /// <summary>The index's events secret (its <c>EventsSecret</c>), sent as <c>Authorization: Bearer</c>.</summary>
    public string? Secret { get; set; }

    /// <summary>The bound of the queue in front of the index; see <see cref="DefaultCapacity"/>.</summary>
    public int Capacity { get; set; } = DefaultCapacity;

    public bool Enabled => !string.IsNullOrEmpty(Url);

    /// <summary>The index's <c>/events</c> endpoint under <see cref="Url"/> (which may carry a path prefix).</summary>
    /// <exception cref="FormatException"><see cref="Url"/> is not an absolute http(s) URL.</exception>
    public Uri Endpoint
    {
        get
        {
            if (!Uri.TryCreate(Url, UriKind.Absolute, out var baseUri) || (baseUri.Scheme != Uri.UriSchemeHttp && baseUri.Scheme != Uri.UriSchemeHttps) ||
                !string.IsNullOrEmpty(baseUri.Query) || !string.IsNullOrEmpty(baseUri.Fragment))
            {
                throw new FormatException($"--events-url must be the absolute http(s) URL of the index (e.g. http://index.example.com:5001), not \"{Url}\"");
            }

            return new Uri(baseUri.AbsoluteUri.EndsWith('/') ? baseUri : new Uri(baseUri.AbsoluteUri + "/"), "events");
        }
    }

    /// <summary>Checks that the URL and the secret come together and are usable.</summary>
    /// <exception cref="FormatException">A setting is missing or malformed.</exception>
    public void Validate()
    {
        if (!Enabled)
        {
            if (!string.IsNullOrEmpty(Secret))
            {
                throw new FormatException("--events-secret needs --events-url, the index's base URL");
            }

            return;
        }

        _ = Endpoint;
        if (string.IsNullOrEmpty(Secret))
        {
            throw new FormatException("--events-url needs --events-secret, the index's events secret (its --events-secret)");
        }

        foreach (var c in Secret)
        {
            if (char.IsControl(c))
            {
                throw new FormatException("--events-secret must not contain control characters");
            }
        }

        if (Secret.Trim().Length != Secret.Length)
        {
            throw new FormatException("--events-secret must not start or end with whitespace");
        }

        if (Capacity <= 0)
        {
            throw new FormatException("Events:Capacity must be positive");
        }
    }
}
