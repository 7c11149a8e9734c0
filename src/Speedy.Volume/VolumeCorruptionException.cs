namespace Speedy.Volume;

/// <summary>Bytes on disk failed their checksum: a needle (its header or data), the superblock, or a compaction file.</summary>
public class VolumeCorruptionException : IOException
{
    public VolumeCorruptionException()
    {
    }

    public VolumeCorruptionException(string message)
        : base(message)
    {
    }

    public VolumeCorruptionException(string message, Exception? innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The offset in the data file of the record or block that failed, or -1.</summary>
    public long Offset { get; init; } = -1;
}
