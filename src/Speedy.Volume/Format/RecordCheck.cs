namespace Speedy.Volume.Format;

/// <summary>What <see cref="NeedleRecord.Check"/> found at an offset.</summary>
internal enum RecordCheck
{
    /// <summary>A whole record whose checksums and padding are right.</summary>
    Valid,

    /// <summary>Fewer than 32 bytes, or a valid header whose record runs past the end of the bytes given (a torn final record).</summary>
    Truncated,

    /// <summary>No valid header: wrong magic, checksum, kind or reserved bytes.</summary>
    BadHeader,

    /// <summary>A valid header, but the data checksum or the padding is wrong.</summary>
    BadData,
}
