namespace Speedy.Volume.CrashWriter;

/// <summary>
/// The content of every needle the crash writer appends, derived from its id alone, so the test that kills the
/// writer can check each acknowledged needle byte for byte without being sent the bytes.
/// </summary>
public static class Payload
{
    public static Cookie CookieFor(NeedleId id) => new((uint)(Mix(id.Value) >> 32));

    /// <summary>One needle in eight is up to <paramref name="maxLength"/> long; the rest are up to 4 KiB.</summary>
    public static int LengthFor(NeedleId id, int maxLength)
    {
        var hash = Mix(id.Value ^ 0x5DEECE66DUL);
        var limit = (hash & 7) == 0 ? maxLength : Math.Min(maxLength, 4096);
        return 1 + (int)((hash >> 3) % (ulong)limit);
    }

    /// <summary>Fills <paramref name="destination"/> with the needle's bytes.</summary>
    public static void Fill(NeedleId id, Span<byte> destination)
    {
        var state = Mix(id.Value) | 1;
        var i = 0;
        for (; i + sizeof(ulong) <= destination.Length; i += sizeof(ulong))
        {
            state = Next(state);
            BitConverter.TryWriteBytes(destination[i..], state);
        }

        state = Next(state);
        for (; i < destination.Length; i++)
        {
            destination[i] = (byte)state;
            state >>= 8;
        }
    }

    public static byte[] Create(NeedleId id, int maxLength)
    {
        var bytes = new byte[LengthFor(id, maxLength)];
        Fill(id, bytes);
        return bytes;
    }

    private static ulong Next(ulong state)
    {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        return state;
    }

    private static ulong Mix(ulong value)
    {
        value ^= value >> 33;
        value *= 0xFF51AFD7ED558CCDUL;
        value ^= value >> 33;
        value *= 0xC4CEB9FE1A85EC53UL;
        return value ^ (value >> 33);
    }
}
