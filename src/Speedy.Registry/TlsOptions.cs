namespace Speedy.Registry;

/// <summary>TLS from PEM files; both set turns HTTPS (HTTP/1.1 and HTTP/2) on.</summary>
public sealed class TlsOptions
{
    public string? Certificate { get; set; }

    public string? Key { get; set; }

    public bool Enabled => !string.IsNullOrEmpty(Certificate) && !string.IsNullOrEmpty(Key);
}
