using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Speedy.IO;

/// <summary>
/// A second handle on a file, opened with <c>O_DIRECT</c>, for the page-aligned middle of large writes: the bytes go
/// from a reused aligned buffer to the disk without being copied into the page cache. On the virtual machines we run
/// on, that copy into fresh page-cache pages is the dearest part of storing bytes (2 s of system time per GiB against
/// 0.1 s with <c>O_DIRECT</c>, measured with <c>dd</c>); the price is that bytes just written are read from the disk.
/// The caller writes the unaligned edges through its ordinary handle (<see cref="AlignedMiddle"/>), so no page is
/// written both ways.
/// </summary>
public sealed unsafe partial class DirectWriter : IDisposable
{
    /// <summary>Offsets, lengths and buffer addresses of direct writes are multiples of this.</summary>
    public const int Alignment = 4096;

    /// <summary>A run shorter than this is not worth a direct write.</summary>
    public const int MinimumRun = 1 << 20;

    private const int PieceSize = 1 << 20;
    private const int PooledBuffers = 16;
    private const int EINVAL = 22;
    private const int EINTR = 4;
    private const int OWrOnly = 1;
    private const int OCloExec = 0x80000;

    private static readonly ConcurrentBag<nint> s_buffers = [];

    private readonly SafeFileHandle _handle;
    private volatile bool _refused;

    private DirectWriter(SafeFileHandle handle)
    {
        _handle = handle;
    }

    /// <summary>A direct handle on <paramref name="path"/>, or null where there is none (not Linux, or a filesystem without <c>O_DIRECT</c>).</summary>
    public static DirectWriter? TryOpen(string path)
    {
        var direct = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 0x4000,
            Architecture.Arm64 => 0x10000,
            _ => 0,
        };
        if (!OperatingSystem.IsLinux() || direct == 0)
        {
            return null;
        }

        var handle = Open(path, OWrOnly | OCloExec | direct);
        if (handle.IsInvalid)
        {
            handle.Dispose();
            return null;
        }

        return new DirectWriter(handle);
    }

    /// <summary>False once the filesystem has refused a direct write: the file's writes all go through the page cache.</summary>
    public bool Refused => _refused;

    /// <summary>
    /// Writes <paramref name="source"/> at <paramref name="offset"/>, both ends <see cref="Alignment"/>-aligned, a
    /// piece at a time, calling <paramref name="beforePiece"/> (the tests' fault hooks) before each. False once the filesystem has refused a
    /// direct write (<c>EINVAL</c>: it wants a larger alignment); the caller then writes the whole range through the
    /// page cache, over whatever pieces did go direct.
    /// </summary>
    /// <exception cref="IOException">The write failed.</exception>
    public bool TryWrite(ReadOnlySpan<byte> source, long offset, string path, Action<long, int>? beforePiece = null)
    {
        if (_refused)
        {
            return false;
        }

        var buffer = Rent();
        try
        {
            while (!source.IsEmpty)
            {
                var piece = source[..Math.Min(source.Length, PieceSize)];
                beforePiece?.Invoke(offset, piece.Length);
                piece.CopyTo(new Span<byte>((void*)buffer, piece.Length));
                var written = 0;
                while (written < piece.Length)
                {
                    var n = PWrite(_handle, (byte*)buffer + written, piece.Length - written, offset + written);
                    if (n >= 0)
                    {
                        written += (int)n;
                        continue;
                    }

                    var errno = Marshal.GetLastPInvokeError();
                    if (errno == EINTR)
                    {
                        continue;
                    }

                    if (errno == EINVAL)
                    {
                        _refused = true;
                        return false;
                    }

                    throw new IOException($"pwrite failed on '{path}': {Marshal.GetPInvokeErrorMessage(errno)}", errno);
                }

                offset += piece.Length;
                source = source[piece.Length..];
            }

            return true;
        }
        finally
        {
            Return(buffer);
        }
    }

    /// <summary>
    /// The page-aligned middle of a write of <paramref name="length"/> bytes at <paramref name="offset"/>, for
    /// <see cref="TryWrite"/>; empty (Start == End) when shorter than <see cref="MinimumRun"/>.
    /// </summary>
    public static (long Start, long End) AlignedMiddle(long offset, long length)
    {
        var start = (offset + Alignment - 1) & ~(long)(Alignment - 1);
        var end = (offset + length) & ~(long)(Alignment - 1);
        return end - start >= MinimumRun ? (start, end) : (start, start);
    }

    public void Dispose() => _handle.Dispose();

    /// <summary><c>open(2)</c> without <c>O_CREAT</c>; an invalid handle on failure.</summary>
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial SafeFileHandle Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial nint PWrite(SafeFileHandle fd, byte* buffer, nint count, long offset);

    private static nint Rent() =>
        s_buffers.TryTake(out var buffer) ? buffer : (nint)NativeMemory.AlignedAlloc(PieceSize, Alignment);

    private static void Return(nint buffer)
    {
        if (s_buffers.Count < PooledBuffers)
        {
            s_buffers.Add(buffer);
        }
        else
        {
            NativeMemory.AlignedFree((void*)buffer);
        }
    }
}
