namespace Speedy.Registry.Core.Hashing;

/// <summary>
/// An incremental SHA-256/SHA-512 whose state can be exported after any number of bytes and restored in
/// another process, so an upload session continues hashing where it stopped without re-reading the prefix.
/// </summary>
public sealed class ResumableHash : IDisposable
{
    private ResumableHash(DigestAlgorithm algorithm) => Algorithm = algorithm;

    public DigestAlgorithm Algorithm { get; }

    /// <summary>The number of bytes appended since the hash was created (across exports and restores).</summary>
    public long BytesHashed { get; private set; }

    public static ResumableHash Create(DigestAlgorithm algorithm) => throw new NotImplementedException();

    /// <summary>Restores a state from <see cref="ExportState"/>; throws <see cref="FormatException"/> if it is not one.</summary>
    public static ResumableHash Restore(ReadOnlySpan<byte> state) => throw new NotImplementedException();

    public void Append(ReadOnlySpan<byte> data) => throw new NotImplementedException();

    /// <summary>A self-describing, versioned serialization of the state; small (under 256 bytes).</summary>
    public byte[] ExportState() => throw new NotImplementedException();

    /// <summary>The digest of everything appended so far; the hash may continue to be appended to afterwards.</summary>
    public Digest GetCurrentDigest() => throw new NotImplementedException();

    public void Dispose() => throw new NotImplementedException();
}
