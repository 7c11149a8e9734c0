namespace Speedy.Storage.Memory;

/// <summary>
/// A file of the memory driver. Bytes below <see cref="Length"/> never change: appends land above it (or in a
/// larger copy of the array) and replacing a file creates a new <see cref="MemoryFile"/>, so a reader can keep a
/// snapshot of (<see cref="Data"/>, <see cref="Length"/>) without copying. Mutated under the driver's lock.
/// </summary>
internal sealed class MemoryFile
{
    private const int MinimumCapacity = 256;

    public MemoryFile(byte[] data, DateTimeOffset modifiedAt)
    {
        Data = data;
        Length = data.Length;
        ModifiedAt = modifiedAt;
    }

    public byte[] Data { get; private set; }

    public int Length { get; private set; }

    public DateTimeOffset ModifiedAt { get; set; }

    /// <summary>Whether a writer is open on this file; at most one may be.</summary>
    public bool HasWriter { get; set; }

    /// <exception cref="IOException">The file would outgrow the largest array.</exception>
    public void Append(ReadOnlySpan<byte> bytes, DateTimeOffset modifiedAt)
    {
        var required = (long)Length + bytes.Length;
        if (required > Array.MaxLength)
        {
            throw new IOException($"a memory driver file cannot exceed {Array.MaxLength} bytes");
        }

        if (required > Data.Length)
        {
            var capacity = Math.Clamp(Math.Max((long)Data.Length * 2, required), MinimumCapacity, Array.MaxLength);
            var grown = GC.AllocateUninitializedArray<byte>((int)capacity);
            Data.AsSpan(0, Length).CopyTo(grown);
            Data = grown;
        }

        bytes.CopyTo(Data.AsSpan(Length));
        Length = (int)required;
        ModifiedAt = modifiedAt;
    }
}
