namespace Speedy.Storage.Cluster;

/// <summary>
/// Settings of the <c>speedy</c> storage driver (<see cref="ClusterStorageDriver"/>): where the meta servers and
/// image servers are, how blobs are cut into fragments, and how hard the driver tries before it gives up.
/// </summary>
public sealed class ClusterStorageOptions
{
    /// <summary>The default fragment size; see the README's measurement.</summary>
    public const int DefaultFragmentBytes = 4 << 20;

    /// <summary>Meta server base URLs, all serving one store; the driver fails over between them.</summary>
    public List<string> MetaServers { get; set; } = [];

    /// <summary>Image server base URLs; fragment requests are spread over them and fail over between them.</summary>
    public List<string> ImageServers { get; set; } = [];

    /// <summary>How many bytes one fragment holds at most (the image servers must accept fragments this large).</summary>
    public int FragmentBytes { get; set; } = DefaultFragmentBytes;

    /// <summary>How many fragments of one upload are in flight at once.</summary>
    public int UploadConcurrency { get; set; } = 4;

    /// <summary>How many fragments a reader fetches ahead of the one being read.</summary>
    public int ReadAhead { get; set; } = 4;

    /// <summary>
    /// The most bytes all readers of the driver hold in fragments fetched ahead; past it a reader fetches only the
    /// fragment it is reading, so 256 clients pulling large blobs cost 256 fragments of memory, not five times that.
    /// </summary>
    public long ReadAheadBytes { get; set; } = 128L << 20;

    /// <summary>How many times one fragment upload or read is tried before the operation fails.</summary>
    public int Attempts { get; set; } = 6;

    /// <summary>The wait before the first retry; it doubles with every further attempt.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(100);

    /// <summary>How long one request to an image server may take before it counts as failed.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>The wait before retry number <paramref name="retry"/> (from 1): <see cref="RetryDelay"/>, doubling, capped at 64×.</summary>
    public TimeSpan DelayBeforeRetry(int retry) => RetryDelay * (1 << Math.Min(retry - 1, 6));

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (MetaServers.Count == 0 || ImageServers.Count == 0)
        {
            throw new ArgumentException("the speedy storage driver needs at least one meta server and one image server URL");
        }

        foreach (var url in MetaServers.Concat(ImageServers))
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"\"{url}\" is not an absolute http:// or https:// URL");
            }
        }

        if (FragmentBytes is < 4096 or > 1 << 30)
        {
            throw new ArgumentException("FragmentBytes must be between 4 KiB and 1 GiB");
        }

        if (UploadConcurrency < 1 || ReadAhead < 0 || ReadAheadBytes < 0 || Attempts < 1)
        {
            throw new ArgumentException("UploadConcurrency and Attempts must be positive, ReadAhead and ReadAheadBytes not negative");
        }

        if (RetryDelay < TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("RetryDelay must not be negative and RequestTimeout must be positive");
        }
    }
}
