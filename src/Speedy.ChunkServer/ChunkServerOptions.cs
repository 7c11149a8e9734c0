using System.Net;
using Speedy.Hosting;

namespace Speedy.ChunkServer;

/// <summary>A chunk server's settings, bound from configuration and validated on start.</summary>
public sealed class ChunkServerOptions
{
    /// <summary>Where the role listens unless told otherwise.</summary>
    public const string DefaultListen = "127.0.0.1:7001";

    /// <summary><c>host:port</c> to listen on.</summary>
    public string Listen { get; set; } = DefaultListen;

    /// <summary>The volume directories; new volumes go to the one with the most free space.</summary>
    public List<string> Directories { get; set; } = [];

    /// <summary>The group this server belongs to; every member of a group holds the same volumes.</summary>
    public uint Group { get; set; } = 1;

    /// <summary>The size of each new volume (1 MiB to 32 GiB).</summary>
    public long VolumeSize { get; set; } = 1L << 30;

    /// <summary>How many unsealed volumes to keep open for writes, so concurrent appends spread over files.</summary>
    public int WritableVolumes { get; set; } = 2;

    /// <summary>Masters to report to (base URLs); empty runs the server standalone.</summary>
    public List<string> Masters { get; set; } = [];

    /// <summary>The URL other roles reach this server at; defaults to <c>http://{Listen}</c>.</summary>
    public string? PublicUrl { get; set; }

    /// <summary>
    /// The URL of the member this server replaces (<c>--replace</c>; its own URL to replace a member in place). Started
    /// with empty directories, the server first copies every volume of its group from a readable peer and verifies
    /// it, taking no reads or writes meanwhile; then it tells the masters to forget the replaced member. Needs masters.
    /// </summary>
    public string? Replaces { get; set; }

    /// <summary>Large needles skip the page cache (<see cref="Speedy.Volume.VolumeOptions.DirectWrites"/>): for a replica that is rarely read.</summary>
    public bool DirectWrites { get; set; }

    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>How often sealed volumes are scrubbed (every record's CRC checked); zero turns scrubbing off.</summary>
    public TimeSpan ScrubInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Scrub read rate limit, bytes per second, so scrubbing never starves clients.</summary>
    public long ScrubBytesPerSecond { get; set; } = 64L << 20;

    public string EffectivePublicUrl => PublicUrl ?? $"http://{Listen}";

    /// <summary>
    /// Test hook: awaited once a replacement's copy is verified, just before it starts taking reads and writes, so a
    /// test can look at the server (and its master) while it is still syncing.
    /// </summary>
    internal Func<CancellationToken, Task>? BeforeSyncEnds { get; set; }

    /// <summary><c>ip:port</c> (<c>[::1]:7001</c> for IPv6), <c>localhost:port</c> for the IPv4 loopback, or <c>*:port</c>.</summary>
    /// <exception cref="ArgumentException">It is not.</exception>
    public static IPEndPoint ParseEndPoint(string listen) => ListenAddress.ParseFlag(listen, DefaultListen);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        ParseEndPoint(Listen);

        if (Directories.Count == 0)
        {
            throw new ArgumentException("a chunk server needs at least one volume directory (--dir)");
        }

        if (Group == 0)
        {
            throw new ArgumentException("the group id must be positive (--group)");
        }

        if (VolumeSize is < 1L << 20 or > 32L << 30)
        {
            throw new ArgumentException("the volume size must be between 1 MiB and 32 GiB");
        }

        if (WritableVolumes is < 1 or > 64)
        {
            throw new ArgumentException("WritableVolumes must be between 1 and 64");
        }

        foreach (var master in Masters)
        {
            if (!Uri.TryCreate(master, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"the master \"{master}\" is not an http:// or https:// URL (--master)");
            }
        }

        if (PublicUrl is not null && (!Uri.TryCreate(PublicUrl, UriKind.Absolute, out var publicUrl) || (publicUrl.Scheme != Uri.UriSchemeHttp && publicUrl.Scheme != Uri.UriSchemeHttps)))
        {
            throw new ArgumentException($"the public URL \"{PublicUrl}\" is not an http:// or https:// URL (--public-url)");
        }

        if (Replaces is not null)
        {
            if (!Uri.TryCreate(Replaces, UriKind.Absolute, out var replaced) || (replaced.Scheme != Uri.UriSchemeHttp && replaced.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"the replaced member \"{Replaces}\" is not an http:// or https:// URL (--replace)");
            }

            if (Masters.Count == 0)
            {
                throw new ArgumentException("--replace needs --master: the peers to copy the group's volumes from are found through the masters");
            }
        }

        if (HeartbeatInterval <= TimeSpan.Zero)
        {
            throw new ArgumentException("HeartbeatInterval must be positive");
        }
    }
}
