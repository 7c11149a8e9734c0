using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Speedy.LoadTest;

/// <summary>
/// The bytes of every blob the run pushes: a random pattern from a fixed seed, repeated, then a 16-byte tag that makes
/// the blob unique. Blobs of one length share everything but the tag, so a blob's SHA-256 is the hash state of the
/// shared part (computed once per length) plus 16 bytes: a new 32 MiB blob costs a microsecond rather than a pass over
/// 32 MiB, and the generator leaves the CPU to the registry. Every blob still has its own digest, so a registry cannot
/// skip an upload because it holds the blob already. Bodies stream from the pattern; no blob is ever held whole.
/// </summary>
internal sealed class RandomData : IDisposable
{
    public const int TagBytes = 16;

    // Not a power of two, so the pattern's repeats never line up with a registry's fragment or chunk boundaries.
    private const int PatternBytes = (16 << 20) - 4093;

    private readonly byte[] _pattern = new byte[PatternBytes];
    private readonly Dictionary<long, IncrementalHash> _sharedHashes = [];

    public RandomData(int seed) => new Random(seed).NextBytes(_pattern);

    /// <summary>The blob of <paramref name="length"/> bytes tagged (<paramref name="stream"/>, <paramref name="index"/>).</summary>
    public Blob Create(long length, ulong stream, ulong index)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(length, TagBytes);
        var tag = new byte[TagBytes];
        BinaryPrimitives.WriteUInt64BigEndian(tag, stream);
        BinaryPrimitives.WriteUInt64BigEndian(tag.AsSpan(8), index);
        var sha256 = new byte[SHA256.HashSizeInBytes];
        lock (_sharedHashes)
        {
            using var hash = SharedHash(length).Clone();
            hash.AppendData(tag);
            hash.GetHashAndReset(sha256);
        }

        return new Blob(this, length, tag, sha256);
    }

    /// <summary>Hashes the part that blobs of <paramref name="length"/> share now, so that the first <see cref="Create"/> is as quick as any.</summary>
    public void Prepare(long length)
    {
        lock (_sharedHashes)
        {
            SharedHash(length);
        }
    }

    /// <summary>Up to <paramref name="count"/> bytes of the shared part of every blob, from <paramref name="offset"/>.</summary>
    public ReadOnlyMemory<byte> Body(long offset, int count)
    {
        var start = (int)(offset % PatternBytes);
        return _pattern.AsMemory(start, Math.Min(count, PatternBytes - start));
    }

    // Under the lock.
    private IncrementalHash SharedHash(long length)
    {
        if (!_sharedHashes.TryGetValue(length, out var shared))
        {
            shared = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            for (long offset = 0; offset < length - TagBytes;)
            {
                var body = Body(offset, (int)Math.Min(int.MaxValue, length - TagBytes - offset));
                shared.AppendData(body.Span);
                offset += body.Length;
            }

            _sharedHashes.Add(length, shared);
        }

        return shared;
    }

    public void Dispose()
    {
        foreach (var hash in _sharedHashes.Values)
        {
            hash.Dispose();
        }
    }
}
