using System.Runtime.InteropServices;

namespace Speedy.Registry.Core.Hashing;

/// <summary>
/// OpenSSL's <c>SHA512_CTX</c> (openssl/sha.h), 216 bytes. <see cref="Data"/> is the union <c>u</c>, filled as a
/// byte buffer of <see cref="Num"/> pending bytes; <see cref="Nl"/>/<see cref="Nh"/> are the low and high halves
/// of the message length in bits.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Sha512Context
{
    public const int BlockSize = 128;

    public fixed ulong H[8];
    public ulong Nl;
    public ulong Nh;
    public fixed byte Data[BlockSize];
    public uint Num;
    public uint MdLen;
}
