using Microsoft.Win32.SafeHandles;
using Speedy.IO;

namespace Speedy.Volume.IO;

/// <summary>
/// A volume's data file: positional reads and writes on one handle (and large writes' aligned middles on a second,
/// <c>O_DIRECT</c> one where the filesystem has it), <c>fdatasync</c>, truncation and <c>fallocate</c>. The fault
/// hooks sit here, in front of the system calls.
/// </summary>
internal sealed class DataFile : IDisposable
{
    /// <summary>Large writes go to the disk, and are handed to it, this much at a time.</summary>
    private const int WritebackPiece = 1 << 20;

    private readonly VolumeFaults? _faults;
    private readonly DirectWriter? _direct;

    private DataFile(string path, SafeFileHandle handle, VolumeFaults? faults, bool direct)
    {
        Path = path;
        Handle = handle;
        _faults = faults;
        _direct = direct ? DirectWriter.TryOpen(path) : null;
    }

    public string Path { get; private set; }

    public SafeFileHandle Handle { get; }

    public long Length => RandomAccess.GetLength(Handle);

    /// <summary>Whether large writes' middles go past the page cache (opened direct, and the filesystem takes it).</summary>
    public bool WritesDirect => _direct is { Refused: false };

    /// <param name="path">The file.</param>
    /// <param name="mode">How to open it.</param>
    /// <param name="faults">The tests' fault hooks, if any.</param>
    /// <param name="direct">Whether <see cref="WriteLarge"/> writes past the page cache where it can.</param>
    public static DataFile Open(string path, FileMode mode, VolumeFaults? faults, bool direct) =>
        new(path, File.OpenHandle(path, mode, FileAccess.ReadWrite, FileShare.Read), faults, direct);

    /// <summary>Records that the file was renamed, for error messages.</summary>
    public void Renamed(string path) => Path = path;

    public void Write(ReadOnlySpan<byte> source, long offset)
    {
        ThrowFault(offset, source.Length);
        RandomAccess.Write(Handle, source, offset);
    }

    /// <summary>
    /// Writes a large run of a record: its page-aligned middle straight to the disk when the file was opened direct
    /// and the filesystem takes <c>O_DIRECT</c>, the rest (or all of it, where it does not) through the page cache a piece at a time, starting
    /// each piece's writeback when <paramref name="startWriteback"/> (the sync then has less to wait for). The two
    /// never share a page: the middle covers whole pages of this run only.
    /// </summary>
    public void WriteLarge(ReadOnlySpan<byte> source, long offset, bool startWriteback)
    {
        var (start, end) = DirectWriter.AlignedMiddle(offset, source.Length);
        if (_direct is not null && end > start)
        {
            var head = (int)(start - offset);
            var middle = (int)(end - start);
            if (_direct.TryWrite(source.Slice(head, middle), start, Path, ThrowFault))
            {
                WriteBuffered(source[..head], offset, startWriteback);
                WriteBuffered(source[(head + middle)..], end, startWriteback);
                return;
            }
        }

        WriteBuffered(source, offset, startWriteback);
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

    public void Dispose()
    {
        _direct?.Dispose();
        Handle.Dispose();
    }

    private void WriteBuffered(ReadOnlySpan<byte> source, long offset, bool startWriteback)
    {
        while (!source.IsEmpty)
        {
            var piece = source[..Math.Min(source.Length, WritebackPiece)];
            Write(piece, offset);
            if (startWriteback)
            {
                StartWriteback(offset, piece.Length);
            }

            offset += piece.Length;
            source = source[piece.Length..];
        }
    }

    private void ThrowFault(long offset, int length)
    {
        if (_faults?.Write?.Invoke(offset, length) is { } fault)
        {
            throw fault;
        }
    }
}
