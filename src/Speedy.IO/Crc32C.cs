using System.Buffers.Binary;
using System.Runtime.InteropServices;
using ArmCrc32 = System.Runtime.Intrinsics.Arm.Crc32;
using X86Sse42 = System.Runtime.Intrinsics.X86.Sse42;

namespace Speedy.IO;

/// <summary>
/// CRC-32C (Castagnoli), the checksum of needle headers and data. System.IO.Hashing has only the IEEE CRC-32,
/// while CRC-32C has an instruction on both x64 (SSE4.2) and arm64, so it runs at several GB/s per core; the
/// table-driven path is the fallback and the reference the tests hold the hardware path to.
/// </summary>
public static class Crc32C
{
    private const uint Polynomial = 0x82F63B78; // reflected 0x1EDC6F41

    private static readonly uint[] s_table = CreateTable();

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
