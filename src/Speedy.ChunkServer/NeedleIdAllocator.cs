using System.Buffers.Binary;
using Speedy.IO;

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

    /// <summary>Ids from a peer above this are refused, so that leasing past them cannot overflow.</summary>
    private const ulong MaxObservable = ulong.MaxValue - (4 * BlockSize);

    private readonly string _path;
    private readonly Lock _lock = new();
    private ulong _next;
    private ulong _leasedEnd;

    /// <summary>Reads the lease file in <paramref name="directory"/>, creating it (durably: the directory is synced) on first start.</summary>
    public NeedleIdAllocator(string directory)
    {
        _path = Path.Combine(directory, "needle-ids");
        _leasedEnd = ReadOrCreate(_path, directory);
        _next = Math.Max(_leasedEnd, 1);
        _leasedEnd = _next;
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
                Lease(_next + BlockSize);
            }

            return _next++;
        }
    }

    /// <summary>
    /// Never hand out ids at or below <paramref name="id"/> (one that arrived from a peer, say), also after a restart:
    /// an id beyond the current lease extends the lease durably before this returns.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The id is too close to the end of the id space.</exception>
    public void Observe(ulong id)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(id, MaxObservable);
        lock (_lock)
        {
            if (id < _next)
            {
                return;
            }

            _next = id + 1;
            if (_next > _leasedEnd)
            {
                Lease(_next + BlockSize);
            }
        }
    }

    private void Lease(ulong end)
    {
        WriteLeasedEnd(_path, end);
        _leasedEnd = end;
    }

    /// <summary>
    /// The recorded lease end. A new file is written as 0 and synced with its directory before anything is leased; a
    /// file left empty by a crash during that is also 0, since nothing was handed out from it.
    /// </summary>
    private static ulong ReadOrCreate(string path, string directory)
    {
        if (!File.Exists(path))
        {
            WriteLeasedEnd(path, 0);
            DirectorySync.Flush(directory);
            return 0;
        }

        var bytes = File.ReadAllBytes(path);
        return bytes.Length switch
        {
            0 => 0,
            8 => BinaryPrimitives.ReadUInt64LittleEndian(bytes),
            _ => throw new InvalidDataException($"{path} is not a needle-id lease file"),
        };
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
