namespace Speedy.ImageServer;

/// <summary>Counters of the image server's work against the chunk servers.</summary>
public sealed class ImageServerMetrics
{
    private long _upstreamReads;
    private long _failedReads;
    private long _failedUploadAttempts;

    /// <summary>Needle reads sent to chunk servers (a cache hit or a joined read sends none).</summary>
    public long UpstreamReads => Interlocked.Read(ref _upstreamReads);

    /// <summary>Replica reads that failed (error, corruption, CRC mismatch, timeout) and were failed over.</summary>
    public long FailedReads => Interlocked.Read(ref _failedReads);

    /// <summary>Chain writes to a group that failed, after which the upload tried another group.</summary>
    public long FailedUploadAttempts => Interlocked.Read(ref _failedUploadAttempts);

    internal void CountUpstreamRead() => Interlocked.Increment(ref _upstreamReads);

    internal void CountFailedRead() => Interlocked.Increment(ref _failedReads);

    internal void CountFailedUploadAttempt() => Interlocked.Increment(ref _failedUploadAttempts);
}
