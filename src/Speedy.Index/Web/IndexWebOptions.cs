namespace Speedy.Index.Web;

/// <summary>The web UI's settings; the index's hosting fills them from its own options.</summary>
public sealed class IndexWebOptions
{
    /// <summary>The registry's base URL the UI reads tags and manifests from (e.g. <c>http://127.0.0.1:5000/</c>).</summary>
    public Uri? RegistryUrl { get; set; }

    /// <summary>
    /// The registry as people name it in <c>docker pull</c> and <c>docker login</c> (e.g. <c>registry.example.com</c>);
    /// the authority of <see cref="RegistryUrl"/> when not set.
    /// </summary>
    public string? RegistryHost { get; set; }

    /// <summary>Where the keys that protect the sign-in cookie are kept, so sessions survive a restart; in memory when null.</summary>
    public string? KeysDirectory { get; set; }

    /// <summary>How long a sign-in lasts without activity.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The largest image config the tag page reads from the registry.</summary>
    public int MaxConfigBytes { get; set; } = 1 << 20;

    /// <summary>How long a request to the registry may take before the page says it is unavailable.</summary>
    public TimeSpan RegistryTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The name shown in <c>docker pull</c>, <c>docker login</c> commands.</summary>
    public string DisplayRegistryHost =>
        RegistryHost is { Length: > 0 } host ? host
        : RegistryUrl is { } url ? url.Authority
        : "localhost:5000";

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (RegistryUrl is { } url && (!url.IsAbsoluteUri || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"the registry URL \"{url}\" is not an absolute http or https URL");
        }

        if (SessionLifetime <= TimeSpan.Zero || RegistryTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("the session lifetime and the registry timeout must be positive");
        }

        if (MaxConfigBytes < 1024)
        {
            throw new ArgumentException("the image config limit must be at least 1024 bytes");
        }
    }
}
