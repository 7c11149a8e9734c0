using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;
using X86Sse42 = System.Runtime.Intrinsics.X86.Sse42;

namespace Speedy.IO;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of needle headers and data. System.IO.Hashing has only the IEEE CRC-32,
/// while CRC-32C has an instruction on both x64 (SSE4.2) and arm64, so it runs at several GB/s per core; the
/// table-driven path is the fallback and the reference the tests hold the hardware path to. On x64 large inputs go
/// through three independent lanes at once: one <c>crc32</c> instruction waits three cycles for the one before it,
/// three chains keep the unit busy (about three times the speed of one chain), and the lanes' CRCs are joined by
/// shifting one over the other's length with a precomputed table (Mark Adler's method, as in his crc32c.c).
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78; // reflected 0x1EDC6F41

    /// <summary>Bytes per lane of large inputs: long enough that joining the lanes costs nothing next to them.</summary>
    private const int LongLane = 8192;

    /// <summary>Bytes per lane of what is left (and of small needles).</summary>
    private const int ShortLane = 256;

    private static readonly uint[] s_table = CreateTable();

    /// <summary>Four 256-entry tables that advance a CRC state over <see cref="LongLane"/> zero bytes, a byte of it each.</summary>
    private static readonly uint[] s_longShift = CreateShiftTable(LongLane);

    /// <summary>The same over <see cref="ShortLane"/> zero bytes.</summary>
    private static readonly uint[] s_shortShift = CreateShiftTable(ShortLane);

    /// <summary>The CRC-32C of <paramref name="data"/>.</summary>
    public static uint Compute(ReadOnlySpan<byte> data) => Append(0, data);

    /// <summary>
    /// Extends a CRC-32C: <c>Append(Compute(a), b) == Compute(a + b)</c>, so large needles are summed piece by piece.
    /// </summary>
    public static uint Append(uint crc, ReadOnlySpan<byte> data)
    {
        var state = ~crc;
        if (X86Sse42.X64.IsSupported)
        {
            state = AppendX64(state, data);
        }
        else if (ArmCrc32.Arm64.IsSupported)
        {
            state = AppendArm64(state, data);
        }
        else
        {
            state = AppendTable(state, data);
        }

        return ~state;
    }

    /// <summary>The portable path, for the tests to compare the hardware path against.</summary>
    internal static uint AppendPortable(uint crc, ReadOnlySpan<byte> data) => ~AppendTable(~crc, data);

    private static uint AppendX64(uint state, ReadOnlySpan<byte> data)
    {
        state = AppendThreeLanes(state, ref data, LongLane, s_longShift);
        state = AppendThreeLanes(state, ref data, ShortLane, s_shortShift);
        ulong wide = state;
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            wide = X86Sse42.X64.Crc32(wide, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        state = (uint)wide;
        foreach (var b in data[(words.Length * sizeof(ulong))..])
        {
            state = X86Sse42.Crc32(state, b);
        }

        return state;
    }

    private static uint AppendArm64(uint state, ReadOnlySpan<byte> data)
    {
        var words = MemoryMarshal.Cast<byte, ulong>(data);
        foreach (var word in words)
        {
            state = ArmCrc32.Arm64.ComputeCrc32C(state, BitConverter.IsLittleEndian ? word : BinaryPrimitives.ReverseEndianness(word));
        }

        foreach (var b in data[(words.Length * sizeof(ulong))..])
        {
            state = ArmCrc32.ComputeCrc32C(state, b);
        }

        return state;
    }

    private static uint AppendTable(uint state, ReadOnlySpan<byte> data)
    {
        var table = s_table;
        foreach (var b in data)
        {
            state = table[(byte)(state ^ b)] ^ (state >> 8);
        }

        return state;
    }

    /// <summary>Consumes <paramref name="data"/> three lanes of <paramref name="lane"/> bytes at a time while it can.</summary>
    private static uint AppendThreeLanes(uint state, ref ReadOnlySpan<byte> data, int lane, uint[] shift)
    {
        while (data.Length >= 3 * lane)
        {
            var first = MemoryMarshal.Cast<byte, ulong>(data[..lane]);
            var second = MemoryMarshal.Cast<byte, ulong>(data.Slice(lane, lane));
            var third = MemoryMarshal.Cast<byte, ulong>(data.Slice(2 * lane, lane));
            ulong a = state, b = 0, c = 0;
            for (var i = 0; i < first.Length; i++)
            {
                a = X86Sse42.X64.Crc32(a, first[i]);
                b = X86Sse42.X64.Crc32(b, second[i]);
                c = X86Sse42.X64.Crc32(c, third[i]);
            }

            // A CRC update is linear: the state after x then y is x's state moved over |y| zero bytes, xor y's from 0.
            state = Shift(Shift((uint)a, shift) ^ (uint)b, shift) ^ (uint)c;
            data = data[(3 * lane)..];
        }

        return state;
    }

    private static uint Shift(uint state, uint[] shift) =>
        shift[(byte)state] ^ shift[256 + (byte)(state >> 8)] ^ shift[512 + (byte)(state >> 16)] ^ shift[768 + (state >> 24)];

    /// <summary>
    /// The tables that move a state over <paramref name="length"/> zero bytes. Moving is linear, so each table entry is
    /// the xor of the moved single bits it is made of; the 32 single bits are moved with the byte-wise table.
    /// </summary>
    private static uint[] CreateShiftTable(int length)
    {
        var zeros = new byte[length];
        var bits = new uint[32];
        for (var bit = 0; bit < 32; bit++)
        {
            bits[bit] = AppendTable(1u << bit, zeros);
        }

        var shift = new uint[4 * 256];
        for (var part = 0; part < 4; part++)
        {
            for (var value = 0; value < 256; value++)
            {
                var moved = 0u;
                for (var bit = 0; bit < 8; bit++)
                {
                    if ((value & (1 << bit)) != 0)
                    {
                        moved ^= bits[(8 * part) + bit];
                    }
                }

                shift[(256 * part) + value] = moved;
            }
        }

        return shift;
    }

    private static uint[] CreateTable()
    {
        var table = new uint[256];
        for (uint i = 0; i < 256; i++)
        {
            var entry = i;
            for (var bit = 0; bit < 8; bit++)
            {
                entry = (entry & 1) != 0 ? (entry >> 1) ^ Polynomial : entry >> 1;
            }

            table[i] = entry;
        }

        return table;
    }
}
