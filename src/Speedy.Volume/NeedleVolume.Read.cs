using System.Buffers;
using Microsoft.Win32.SafeHandles;
using Speedy.IO;
using Speedy.Volume.Format;
using Speedy.Volume.Index;

namespace Speedy.Volume;

public sealed partial class NeedleVolume
{
    /// <summary>
    /// Reads a whole needle into <paramref name="destination"/>, checking the header and the data's CRC-32C. False if
    /// there is no such needle or the cookie is wrong. Allocates nothing.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="destination"/> is shorter than the needle.</exception>
    /// <exception cref="VolumeCorruptionException">The record on disk fails its checks.</exception>
    public bool TryRead(NeedleId id, Cookie cookie, Span<byte> destination, out int bytesRead) =>
        TryRead(id, cookie, destination, out bytesRead, out _);

    /// <summary>
    /// <see cref="TryRead(NeedleId, Cookie, Span{byte}, out int)"/>, also giving the data's CRC-32C, which the read
    /// checked against the record: a caller that knows what the needle's CRC should be compares the two instead of
    /// going over the bytes again.
    /// </summary>
    public bool TryRead(NeedleId id, Cookie cookie, Span<byte> destination, out int bytesRead, out uint checksum)
    {
        bytesRead = 0;
        checksum = 0;
        if (!TryLocate(id, out var entry, out var handle))
        {
            return false;
        }

        try
        {
            if (destination.Length < entry.Length)
            {
                throw new ArgumentException($"Needle {id} has {entry.Length} bytes; the destination holds {destination.Length}.", nameof(destination));
            }

            var length = (int)entry.Length;
            var recordSize = NeedleHeader.RecordSize(length);
            if (recordSize <= SmallRecordLimit)
            {
                var buffer = ArrayPool<byte>.Shared.Rent((int)recordSize);
                try
                {
                    var record = buffer.AsSpan(0, (int)recordSize);
                    ReadExactly(handle, record, entry.Offset);
                    if (!HeaderMatches(record, id, cookie, entry))
                    {
                        return false;
                    }

                    var data = record.Slice(NeedleHeader.Size, length);
                    checksum = Crc32C.Compute(data);
                    if (!NeedleRecord.CheckTrailer(checksum, record[(NeedleHeader.Size + length)..]))
                    {
                        throw DataCorrupt(id, entry);
                    }

                    data.CopyTo(destination);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
            else
            {
                Span<byte> edge = stackalloc byte[NeedleHeader.Size];
                ReadExactly(handle, edge, entry.Offset);
                if (!HeaderMatches(edge, id, cookie, entry))
                {
                    return false;
                }

                ReadExactly(handle, destination[..length], entry.Offset + NeedleHeader.Size);
                checksum = Crc32C.Compute(destination[..length]);
                var trailer = edge[..NeedleRecord.TrailerAndPadding(length)];
                ReadExactly(handle, trailer, entry.Offset + NeedleHeader.Size + length);
                if (!NeedleRecord.CheckTrailer(checksum, trailer))
                {
                    throw DataCorrupt(id, entry);
                }
            }

            bytesRead = length;
            return true;
        }
        finally
        {
            handle.DangerousRelease();
        }
    }

    /// <summary>
    /// Reads up to <paramref name="destination"/>'s length of a needle's data starting at <paramref name="start"/>.
    /// The header (and cookie) is checked; the data checksum is not, since only part of the data is read — scrub
    /// covers it. False if there is no such needle or the cookie is wrong; 0 bytes when <paramref name="start"/> is at
    /// or past the end.
    /// </summary>
    public bool TryReadRange(NeedleId id, Cookie cookie, long start, Span<byte> destination, out int bytesRead)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        bytesRead = 0;
        if (!TryLocate(id, out var entry, out var handle))
        {
            return false;
        }

        try
        {
            Span<byte> header = stackalloc byte[NeedleHeader.Size];
            ReadExactly(handle, header, entry.Offset);
            if (!HeaderMatches(header, id, cookie, entry))
            {
                return false;
            }

            if (start < entry.Length)
            {
                var count = (int)Math.Min(destination.Length, entry.Length - start);
                ReadExactly(handle, destination[..count], entry.Offset + NeedleHeader.Size + start);
                bytesRead = count;
            }

            return true;
        }
        finally
        {
            handle.DangerousRelease();
        }
    }

    /// <summary>The length of a needle's data; false if there is no such needle or the cookie is wrong.</summary>
    public bool TryGetLength(NeedleId id, Cookie cookie, out long length)
    {
        length = 0;
        if (!TryLocate(id, out var entry, out var handle))
        {
            return false;
        }

        try
        {
            Span<byte> header = stackalloc byte[NeedleHeader.Size];
            ReadExactly(handle, header, entry.Offset);
            if (!HeaderMatches(header, id, cookie, entry))
            {
                return false;
            }

            length = entry.Length;
            return true;
        }
        finally
        {
            handle.DangerousRelease();
        }
    }

    /// <summary>
    /// Looks the needle up and takes a reference on the current data file's handle, both under the index lock, so a
    /// compaction that swaps the file in meanwhile closes the old one only after this read releases it.
    /// </summary>
    private bool TryLocate(NeedleId id, out NeedleEntry entry, out SafeFileHandle handle)
    {
        lock (_indexLock)
        {
            if (!_index.Map.TryGetValue(id.Value, out entry))
            {
                handle = null!; // not used when false is returned
                return false;
            }

            handle = _data.Handle;
            var added = false;
            handle.DangerousAddRef(ref added);
            return true;
        }
    }

    /// <summary>
    /// Checks the header the index pointed at: it must be valid and be this needle's live record (else the file is
    /// corrupt); false if only the cookie differs.
    /// </summary>
    private bool HeaderMatches(ReadOnlySpan<byte> bytes, NeedleId id, Cookie cookie, NeedleEntry entry)
    {
        if (!NeedleHeader.TryRead(bytes, out var header) || header.Kind != NeedleKind.Live || header.Id != id || header.DataLength != entry.Length)
        {
            throw new VolumeCorruptionException($"Volume {Id}: the record of needle {id} at offset {entry.Offset} has a bad header.")
            {
                Offset = entry.Offset,
            };
        }

        return header.Cookie == cookie;
    }

    private VolumeCorruptionException DataCorrupt(NeedleId id, NeedleEntry entry) =>
        new($"Volume {Id}: the data of needle {id} at offset {entry.Offset} fails its CRC-32C.") { Offset = entry.Offset };

    private void ReadExactly(SafeFileHandle handle, Span<byte> destination, long offset)
    {
        if (IO.DataFile.ReadAtMost(handle, destination, offset) != destination.Length)
        {
            throw new VolumeCorruptionException($"Volume {Id}: the data file ends inside the record at offset {offset}.") { Offset = offset };
        }
    }
}
