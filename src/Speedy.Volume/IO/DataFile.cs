using Microsoft.Win32.SafeHandles;

namespace Speedy.Volume.IO;

/// <summary>
/// A volume's data file: positional reads and writes on one handle, <c>fdatasync</c>, truncation and
/// <c>fallocate</c>. The fault hooks sit here, in front of the system calls.
/// </summary>
internal sealed class DataFile : IDisposable
{
    private readonly VolumeFaults? _faults;

    private DataFile(string path, SafeFileHandle handle, VolumeFaults? faults)
    {
        Path = path;
        Handle = handle;
        _faults = faults;
    }

    public string Path { get; private set; }

    public SafeFileHandle Handle { get; }

    public long Length => RandomAccess.GetLength(Handle);

    public static DataFile Open(string path, FileMode mode, VolumeFaults? faults) =>
        new(path, File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.Read), faults);

    /// <summary>Records that the file was renamed, for error messages.</summary>
    public void Renamed(string path) => Path = path;

    public void Write(ReadOnlySpan<byte> source, long offset)
    {
        if (_faults?.Write?.Invoke(offset, source.Length) is { } fault)
        {
            throw fault;
        }

        RandomAccess.Write(Handle, source, offset);
    }

    /// <summary>Reads until <paramref name="destination"/> is full or the file ends; returns the bytes read.</summary>
    public int Read(Span<byte> destination, long offset) => ReadAtMost(Handle, destination, offset);

    public static int ReadAtMost(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        var total = 0;
        while (total < destination.Length)
        {
            var n = RandomAccess.Read(handle, destination[total..], offset + total);
            if (n == 0)
            {
                break;
            }

            total += n;
        }

        return total;
    }

    /// <summary>Makes the written data (and the length that reaches it) durable: <c>fdatasync</c> on Linux.</summary>
    public void SyncData()
    {
        if (_faults?.Sync?.Invoke() is { } fault)
        {
            throw fault;
        }

        if (OperatingSystem.IsLinux())
        {
            if (LibC.FDataSync(Handle) != 0)
            {
                throw LibC.Error("fdatasync", Path);
            }
        }
        else
        {
            RandomAccess.FlushToDisk(Handle);
        }
    }

    /// <summary>
    /// Starts writing a range back to disk without waiting (<c>sync_file_range(SYNC_FILE_RANGE_WRITE)</c>), so the
    /// disk works on a large record while the rest of it is still being copied in; the sync then has less to wait
    /// for. A hint: it makes nothing durable, and its errors surface at the sync.
    /// </summary>
    public void StartWriteback(long offset, long length)
    {
        if (OperatingSystem.IsLinux())
        {
            _ = LibC.SyncFileRange(Handle, offset, length, LibC.SyncFileRangeWrite);
        }
    }

    public void SetLength(long length) => RandomAccess.SetLength(Handle, length);

    /// <summary>
    /// Reserves blocks up to <paramref name="size"/> without changing the length. False if the filesystem cannot:
    /// no support, or no room (then nothing is reserved and appends allocate as they go).
    /// </summary>
    public bool Preallocate(long size)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        return LibC.FAllocate(Handle, LibC.FallocKeepSize, 0, size) == 0;
    }

    public void Dispose() => Handle.Dispose();
}
