using Speedy.Storage.Cluster;

namespace Speedy.Registry;

/// <summary>The registry's settings, bound from configuration (file, SPEEDY_ environment variables, flags).</summary>
public sealed class RegistryOptions
{
    /// <summary>The largest manifest accepted; the spec suggests at least 4 MiB.</summary>
    public const int DefaultMaxManifestBytes = 4 << 20;

    /// <summary><c>host:port</c> to listen on.</summary>
    public string Listen { get; set; } = "127.0.0.1:5000";

    /// <summary>Directory of the filesystem driver (and, later, every local role).</summary>
    public string Data { get; set; } = "./data";

    /// <summary>The storage driver: <c>filesystem</c>, <c>memory</c> or <c>speedy</c> (the cluster, see <see cref="Cluster"/>).</summary>
    public string Storage { get; set; } = "filesystem";

    /// <summary>Where the <c>speedy</c> driver finds the cluster, and how it cuts blobs into fragments.</summary>
    public ClusterStorageOptions Cluster { get; set; } = new();

    /// <summary>The filesystem driver writes large uploads past the page cache (<c>O_DIRECT</c>); see the README.</summary>
    public bool DirectWrites { get; set; }

    /// <summary>Key that signs upload locations; generated and kept in storage when empty.</summary>
    public string? UploadSecret { get; set; }

    /// <summary>Whether blobs, manifests and tags may be deleted through the API.</summary>
    public bool DeleteEnabled { get; set; } = true;

    public int MaxManifestBytes { get; set; } = DefaultMaxManifestBytes;

    /// <summary>The page size of <c>/v2/_catalog</c> when the client gives no <c>n</c>, and the largest <c>n</c> honoured.</summary>
    public int MaxPageSize { get; set; } = 1000;

    public TlsOptions Tls { get; set; } = new();

    /// <summary>Who may do what: nobody is asked (<c>none</c>), Basic users of an htpasswd file, or the index's tokens.</summary>
    public AuthOptions Auth { get; set; } = new();

    /// <summary>The index the events (pushes, pulls, deletions) are forwarded to, when it runs apart from the registry.</summary>
    public EventsOptions Events { get; set; } = new();
}
