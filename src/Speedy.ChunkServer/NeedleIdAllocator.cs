using System.Buffers.Binary;

namespace Speedy.ChunkServer;

/// <summary>
/// Hands out needle ids that never repeat, even across crashes, without a write per id: it leases a block of
/// ids by durably recording the block's end in <c>needle-ids</c> before using any id in it, and after a restart
/// starts at the recorded end. A crash wastes at most the rest of one block. (When a master runs, it hands out
/// the leases instead; see issue 4.)
/// </summary>
internal sealed class NeedleIdAllocator
{
    private const ulong BlockSize = 1 << 16;

    private readonly string _path;
    private readonly Lock _lock = new();
    private ulong _next;
    private ulong _leasedEnd;

    public NeedleIdAllocator(string directory)
    {
        _path = Path.Combine(directory, "needle-ids");
        _next = ReadLeasedEnd(_path);
        _leasedEnd = _next;
        if (_next == 0)
        {
            _next = _leasedEnd = 1;
        }
    }

    /// <summary>The highest id handed out so far plus one: the high-water mark reported to masters.</summary>
    public ulong HighWaterMark
    {
        get
        {
            lock (_lock)
            {
                return _next;
            }
        }
    }

    public ulong Next()
    {
        lock (_lock)
        {
            if (_next >= _leasedEnd)
            {
                var end = _next + BlockSize;
                WriteLeasedEnd(_path, end);
                _leasedEnd = end;
            }

            return _next++;
        }
    }

    /// <summary>Never hand out ids at or below <paramref name="id"/> (one that arrived from a peer, say).</summary>
    public void Observe(ulong id)
    {
        lock (_lock)
        {
            if (id >= _next)
            {
                _next = id + 1;
            }
        }
    }

    private static ulong ReadLeasedEnd(string path)
    {
        if (!File.Exists(path))
        {
            return 0;
        }

        var bytes = File.ReadAllBytes(path);
        return bytes.Length == 8 ? BinaryPrimitives.ReadUInt64LittleEndian(bytes) : throw new InvalidDataException($"{path} is not a needle-id lease file");
    }

    /// <summary>
    /// Overwrites the 8 bytes in place and syncs: an aligned 8-byte write within one sector is atomic, and the
    /// sync of the file (not a rename, whose directory entry would need its own sync) makes it durable.
    /// </summary>
    private static void WriteLeasedEnd(string path, ulong end)
    {
        Span<byte> bytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, end);
        using var handle = File.OpenHandle(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.None);
        RandomAccess.Write(handle, bytes, 0);
        RandomAccess.FlushToDisk(handle);
    }
}
