using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Speedy.Registry.Core.Hashing;

/// <summary>
/// An incremental SHA-256/SHA-512 whose state can be exported after any number of bytes and restored in
/// another process, so an upload session continues hashing where it stopped without re-reading the prefix.
/// </summary>
/// <remarks>
/// <para>
/// The hashing is OpenSSL's (<see cref="LibCrypto"/>): .NET's <see cref="IncrementalHash"/> cannot export its
/// state. The OpenSSL context lives in native memory for the life of the instance, so appending allocates nothing.
/// An instance is not thread-safe.
/// </para>
/// <para>
/// The exported state does not copy the context's bytes: it is the algorithm's own state, in big-endian, so it
/// restores on any machine and whatever the library's build. Version 1:
/// </para>
/// <code>
/// offset  size    field
/// 0       4       magic "SRHS"
/// 4       1       version, 1
/// 5       1       algorithm: 1 = SHA-256, 2 = SHA-512
/// 6       1       n, the pending bytes of the partial block; below the block size (64 or 128)
/// 7       8       total bytes hashed; n = total mod block size
/// 15      8 × w   chaining words h0..h7; w = 4 for SHA-256, 8 for SHA-512
/// 15+8w   n       the pending bytes
/// 15+8w+n 8       checksum: the first 8 bytes of the SHA-256 of everything before it
/// </code>
/// <para>
/// The checksum makes a torn or corrupted state fail at <see cref="Restore"/>, rather than as a wrong digest when
/// the upload is committed; every other field is checked too.
/// </para>
/// </remarks>
public sealed unsafe class ResumableHash : IDisposable
{
    private const byte FormatVersion = 1;
    private const byte Sha256Code = 1;
    private const byte Sha512Code = 2;
    private const int HeaderLength = 15;
    private const int ChecksumLength = 8;

    /// <summary>The most bytes one hash takes: the length in bits must fit SHA-256's 64-bit counter.</summary>
    private const long MaxBytes = (1L << 61) - 1;

    private void* _context;

    private ResumableHash(DigestAlgorithm algorithm, void* context)
    {
        Algorithm = algorithm;
        _context = context;
    }

    /// <summary>Frees the native context of an instance that was never disposed.</summary>
    ~ResumableHash() => Free();

    public DigestAlgorithm Algorithm { get; }

    /// <summary>The number of bytes appended since the hash was created (across exports and restores).</summary>
    public long BytesHashed { get; private set; }

    private static ReadOnlySpan<byte> Magic => "SRHS"u8;

    private bool IsSha256 => Algorithm == DigestAlgorithm.Sha256;

    /// <summary>The native context; throws once disposed.</summary>
    private void* Context
    {
        get
        {
            var context = _context;
            ObjectDisposedException.ThrowIf(context is null, this);
            return context;
        }
    }

    public static ResumableHash Create(DigestAlgorithm algorithm)
    {
        var contextSize = algorithm switch
        {
            DigestAlgorithm.Sha256 => sizeof(Sha256Context),
            DigestAlgorithm.Sha512 => sizeof(Sha512Context),
            _ => throw new ArgumentOutOfRangeException(nameof(algorithm)),
        };

        if (!LibCrypto.IsAvailable)
        {
            throw new PlatformNotSupportedException(
                $"ResumableHash needs OpenSSL 3's libcrypto ({LibCrypto.LibraryName}), exporting SHA256_Init/Update/Final "
                + "and SHA512_Init/Update/Final; it could not be loaded.");
        }

        var hash = new ResumableHash(algorithm, NativeMemory.Alloc((nuint)contextSize));
        try
        {
            hash.Initialize();
        }
        catch
        {
            hash.Dispose();
            throw;
        }

        return hash;
    }

    /// <summary>Restores a state from <see cref="ExportState"/>; throws <see cref="FormatException"/> if it is not one.</summary>
    public static ResumableHash Restore(ReadOnlySpan<byte> state)
    {
        if (state.Length < HeaderLength)
        {
            throw Invalid($"{state.Length} bytes is shorter than the {HeaderLength}-byte header");
        }

        if (!state.StartsWith(Magic))
        {
            throw Invalid("bad magic");
        }

        if (state[4] != FormatVersion)
        {
            throw Invalid($"unsupported version {state[4]}");
        }

        var (algorithm, blockSize, wordSize) = state[5] switch
        {
            Sha256Code => (DigestAlgorithm.Sha256, Sha256Context.BlockSize, sizeof(uint)),
            Sha512Code => (DigestAlgorithm.Sha512, Sha512Context.BlockSize, sizeof(ulong)),
            _ => throw Invalid($"unknown algorithm code {state[5]}"),
        };

        int pendingLength = state[6];
        if (pendingLength >= blockSize)
        {
            throw Invalid($"{pendingLength} pending bytes is not below the block size {blockSize}");
        }

        var wordsLength = 8 * wordSize;
        var bodyLength = HeaderLength + wordsLength + pendingLength;
        if (state.Length != bodyLength + ChecksumLength)
        {
            throw Invalid($"{state.Length} bytes where {bodyLength + ChecksumLength} were expected");
        }

        Span<byte> checksum = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(state[..bodyLength], checksum);
        if (!checksum[..ChecksumLength].SequenceEqual(state[bodyLength..]))
        {
            throw Invalid("checksum mismatch");
        }

        var total = BinaryPrimitives.ReadUInt64BigEndian(state[7..]);
        if (total > MaxBytes)
        {
            throw Invalid($"total of {total} bytes is over the limit of {MaxBytes}");
        }

        if ((int)(total % (ulong)blockSize) != pendingLength)
        {
            throw Invalid($"{pendingLength} pending bytes is inconsistent with a total of {total} bytes");
        }

        var words = state.Slice(HeaderLength, wordsLength);
        var pending = state.Slice(HeaderLength + wordsLength, pendingLength);
        var hash = Create(algorithm);
        try
        {
            hash.Load((long)total, words, pending);
        }
        catch
        {
            hash.Dispose();
            throw;
        }

        return hash;
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        var context = Context;
        if (data.IsEmpty)
        {
            return;
        }

        if (data.Length > MaxBytes - BytesHashed)
        {
            throw new InvalidOperationException($"a hash takes at most {MaxBytes} bytes");
        }

        int result;
        fixed (byte* bytes = data)
        {
            result = IsSha256
                ? LibCrypto.Sha256Update((Sha256Context*)context, bytes, (nuint)data.Length)
                : LibCrypto.Sha512Update((Sha512Context*)context, bytes, (nuint)data.Length);
        }

        // The finalizer frees the context: keep this instance alive until the native call has returned.
        GC.KeepAlive(this);
        if (result != 1)
        {
            throw new CryptographicException("OpenSSL's SHA update failed");
        }

        BytesHashed += data.Length;
    }

    /// <summary>A self-describing, versioned serialization of the state; small (under 256 bytes).</summary>
    public byte[] ExportState()
    {
        var context = Context;
        byte[] state;
        if (IsSha256)
        {
            var sha256 = (Sha256Context*)context;
            var pendingLength = (int)sha256->Num;
            Debug.Assert(pendingLength == BytesHashed % Sha256Context.BlockSize, "OpenSSL buffers total mod 64 bytes");
            Debug.Assert(((ulong)sha256->Nh << 32 | sha256->Nl) == (ulong)BytesHashed << 3, "OpenSSL counts bits");
            state = new byte[HeaderLength + (8 * sizeof(uint)) + pendingLength + ChecksumLength];
            WriteHeader(state, Sha256Code, pendingLength, BytesHashed);
            var words = state.AsSpan(HeaderLength);
            for (var i = 0; i < 8; i++)
            {
                BinaryPrimitives.WriteUInt32BigEndian(words[(i * sizeof(uint))..], sha256->H[i]);
            }

            new ReadOnlySpan<byte>(sha256->Data, pendingLength).CopyTo(words[(8 * sizeof(uint))..]);
        }
        else
        {
            var sha512 = (Sha512Context*)context;
            var pendingLength = (int)sha512->Num;
            Debug.Assert(pendingLength == BytesHashed % Sha512Context.BlockSize, "OpenSSL buffers total mod 128 bytes");
            Debug.Assert(sha512->Nh == 0 && sha512->Nl == (ulong)BytesHashed << 3, "OpenSSL counts bits");
            state = new byte[HeaderLength + (8 * sizeof(ulong)) + pendingLength + ChecksumLength];
            WriteHeader(state, Sha512Code, pendingLength, BytesHashed);
            var words = state.AsSpan(HeaderLength);
            for (var i = 0; i < 8; i++)
            {
                BinaryPrimitives.WriteUInt64BigEndian(words[(i * sizeof(ulong))..], sha512->H[i]);
            }

            new ReadOnlySpan<byte>(sha512->Data, pendingLength).CopyTo(words[(8 * sizeof(ulong))..]);
        }

        GC.KeepAlive(this);
        Span<byte> checksum = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(state.AsSpan(0, state.Length - ChecksumLength), checksum);
        checksum[..ChecksumLength].CopyTo(state.AsSpan(state.Length - ChecksumLength));
        return state;
    }

    /// <summary>The digest of everything appended so far; the hash may continue to be appended to afterwards.</summary>
    public Digest GetCurrentDigest()
    {
        var context = Context;
        Span<byte> hash = stackalloc byte[SHA512.HashSizeInBytes];
        int result;
        int hashLength;
        fixed (byte* bytes = hash)
        {
            // Final pads and clears the context it is given, so it is given a copy on the stack.
            if (IsSha256)
            {
                var copy = *(Sha256Context*)context;
                result = LibCrypto.Sha256Final(bytes, &copy);
                hashLength = SHA256.HashSizeInBytes;
            }
            else
            {
                var copy = *(Sha512Context*)context;
                result = LibCrypto.Sha512Final(bytes, &copy);
                hashLength = SHA512.HashSizeInBytes;
            }
        }

        GC.KeepAlive(this);
        if (result != 1)
        {
            throw new CryptographicException("OpenSSL's SHA final failed");
        }

        return Digest.FromHash(Algorithm, hash[..hashLength]);
    }

    public void Dispose()
    {
        Free();
        GC.SuppressFinalize(this);
    }

    private static FormatException Invalid(string reason) => new($"invalid resumable hash state: {reason}");

    private static void WriteHeader(Span<byte> state, byte algorithmCode, int pendingLength, long total)
    {
        Magic.CopyTo(state);
        state[4] = FormatVersion;
        state[5] = algorithmCode;
        state[6] = (byte)pendingLength;
        BinaryPrimitives.WriteUInt64BigEndian(state[7..], (ulong)total);
    }

    private void Initialize()
    {
        var result = IsSha256
            ? LibCrypto.Sha256Init((Sha256Context*)_context)
            : LibCrypto.Sha512Init((Sha512Context*)_context);
        if (result != 1)
        {
            throw new CryptographicException("OpenSSL's SHA init failed");
        }
    }

    /// <summary>Overwrites a freshly initialized context with a parsed state.</summary>
    private void Load(long total, ReadOnlySpan<byte> words, ReadOnlySpan<byte> pending)
    {
        // Before the first full block no compression has run, so the words must still be the initial values.
        var beforeFirstBlock = total == pending.Length;
        var bits = (ulong)total << 3;
        if (IsSha256)
        {
            var sha256 = (Sha256Context*)_context;
            for (var i = 0; i < 8; i++)
            {
                var word = BinaryPrimitives.ReadUInt32BigEndian(words[(i * sizeof(uint))..]);
                if (beforeFirstBlock && word != sha256->H[i])
                {
                    throw Invalid("chaining words differ from the initial values before the first block");
                }

                sha256->H[i] = word;
            }

            sha256->Nl = (uint)bits;
            sha256->Nh = (uint)(bits >> 32);
            pending.CopyTo(new Span<byte>(sha256->Data, Sha256Context.BlockSize));
            sha256->Num = (uint)pending.Length;
        }
        else
        {
            var sha512 = (Sha512Context*)_context;
            for (var i = 0; i < 8; i++)
            {
                var word = BinaryPrimitives.ReadUInt64BigEndian(words[(i * sizeof(ulong))..]);
                if (beforeFirstBlock && word != sha512->H[i])
                {
                    throw Invalid("chaining words differ from the initial values before the first block");
                }

                sha512->H[i] = word;
            }

            sha512->Nl = bits;
            sha512->Nh = 0;
            pending.CopyTo(new Span<byte>(sha512->Data, Sha512Context.BlockSize));
            sha512->Num = (uint)pending.Length;
        }

        BytesHashed = total;
    }

    private void Free()
    {
        var context = _context;
        if (context is null)
        {
            return;
        }

        _context = null;
        NativeMemory.Free(context);
    }
}
