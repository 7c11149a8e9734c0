using System.Runtime.InteropServices;

namespace Speedy.Registry.Core.Hashing;

/// <summary>
/// OpenSSL's <c>SHA256_CTX</c> (openssl/sha.h), 112 bytes. <see cref="Data"/> is declared as words but OpenSSL
/// fills it as a byte buffer of <see cref="Num"/> pending bytes; <see cref="Nl"/>/<see cref="Nh"/> are the low and
/// high halves of the message length in bits.
/// </summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct Sha256Context
{
    public const int BlockSize = 64;

    public fixed uint H[8];
    public uint Nl;
    public uint Nh;
    public fixed uint Data[16];
    public uint Num;
    public uint MdLen;
}
