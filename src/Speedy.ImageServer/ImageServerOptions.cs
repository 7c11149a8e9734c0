using Speedy.Hosting;

namespace Speedy.ImageServer;

/// <summary>An image server's settings, validated on start.</summary>
public sealed class ImageServerOptions
{
    /// <summary>Where the role listens unless told otherwise.</summary>
    public const string DefaultListen = "127.0.0.1:7100";

    /// <summary><c>host:port</c> to listen on.</summary>
    public string Listen { get; set; } = DefaultListen;

    /// <summary>The largest fragment an upload takes (the registry splits blobs into fragments of at most this).</summary>
    public int MaxFragmentBytes { get; set; } = 8 << 20;

    /// <summary>Memory for hot fragments.</summary>
    public long CacheBytes { get; set; } = 256L << 20;

    /// <summary>How many groups an upload tries before it gives up.</summary>
    public int UploadGroupAttempts { get; set; } = 3;

    /// <summary>A group with a member at or above this load takes no new fragments.</summary>
    public int MaxMemberLoad { get; set; } = 64;

    /// <summary>How many needle ids one lease from the master asks for.</summary>
    public int NeedleIdBatch { get; set; } = 1024;

    /// <summary>How long one replica may take to answer a read before the next is tried.</summary>
    public TimeSpan ReadTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a chain write to one group may take before the next group is tried.</summary>
    public TimeSpan WriteTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        ListenAddress.ParseFlag(Listen, DefaultListen);
        if (MaxFragmentBytes is < 1 or > 1 << 30)
        {
            throw new ArgumentException("MaxFragmentBytes must be between 1 byte and 1 GiB");
        }

        if (CacheBytes < 0)
        {
            throw new ArgumentException("CacheBytes must not be negative");
        }

        if (UploadGroupAttempts < 1 || NeedleIdBatch < 1 || MaxMemberLoad < 1)
        {
            throw new ArgumentException("UploadGroupAttempts, NeedleIdBatch and MaxMemberLoad must be positive");
        }

        if (ReadTimeout <= TimeSpan.Zero || WriteTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("ReadTimeout and WriteTimeout must be positive");
        }
    }
}
