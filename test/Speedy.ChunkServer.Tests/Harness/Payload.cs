using System.Buffers.Binary;

namespace Speedy.ChunkServer.Tests.Harness;

/// <summary>Deterministic needle contents: the same seed and length always give the same bytes, so a test keeps seeds, not data.</summary>
public static class Payload
{
    public static byte[] Create(ulong seed, int length)
    {
        var bytes = new byte[length];
        Fill(seed, bytes);
        return bytes;
    }

    /// <summary>SplitMix64 over the seed: fast, and different seeds give unrelated bytes.</summary>
    public static void Fill(ulong seed, Span<byte> destination)
    {
        var state = seed;
        var i = 0;
        for (; i + 8 <= destination.Length; i += 8)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(destination[i..], Next(ref state));
        }

        if (i < destination.Length)
        {
            Span<byte> word = stackalloc byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(word, Next(ref state));
            word[..(destination.Length - i)].CopyTo(destination[i..]);
        }
    }

    private static ulong Next(ref ulong state)
    {
        state += 0x9E3779B97F4A7C15UL;
        var z = state;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
