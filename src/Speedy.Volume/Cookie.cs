using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;

namespace Speedy.Volume;

/// <summary>
/// A random secret stored with each needle and carried in its <see cref="FileId"/>: a read with the wrong cookie is
/// "not found", so ids cannot be enumerated by guessing needle ids.
/// </summary>
public readonly record struct Cookie(uint Value)
{
    /// <summary>A cookie from the cryptographically secure generator.</summary>
    public static Cookie NewRandom()
    {
        Span<byte> bytes = stackalloc byte[sizeof(uint)];
        RandomNumberGenerator.Fill(bytes);
        return new Cookie(BinaryPrimitives.ReadUInt32LittleEndian(bytes));
    }

    public override string ToString() => Value.ToString("x8", CultureInfo.InvariantCulture);
}
