using System.Runtime.InteropServices;

namespace Speedy.Registry.Core.Hashing;

/// <summary>
/// The few SHA-2 entry points of OpenSSL's libcrypto. They are deprecated in OpenSSL 3 in favour of EVP, but
/// EVP's contexts are opaque; these take the public, stable <c>SHA256_CTX</c>/<c>SHA512_CTX</c>, whose state can be
/// read and written, and they run the same SHA-NI/AVX2 block functions.
/// </summary>
internal static unsafe partial class LibCrypto
{
    public const string LibraryName = "libcrypto.so.3";

    private static readonly bool s_isAvailable = Probe();

    /// <summary>Whether the library loads and exports every function declared here.</summary>
    public static bool IsAvailable => s_isAvailable;

    [LibraryImport(LibraryName, EntryPoint = "SHA256_Init")]
    public static partial int Sha256Init(Sha256Context* context);

    [LibraryImport(LibraryName, EntryPoint = "SHA256_Update")]
    public static partial int Sha256Update(Sha256Context* context, byte* data, nuint length);

    [LibraryImport(LibraryName, EntryPoint = "SHA256_Final")]
    public static partial int Sha256Final(byte* hash, Sha256Context* context);

    [LibraryImport(LibraryName, EntryPoint = "SHA512_Init")]
    public static partial int Sha512Init(Sha512Context* context);

    [LibraryImport(LibraryName, EntryPoint = "SHA512_Update")]
    public static partial int Sha512Update(Sha512Context* context, byte* data, nuint length);

    [LibraryImport(LibraryName, EntryPoint = "SHA512_Final")]
    public static partial int Sha512Final(byte* hash, Sha512Context* context);

    private static bool Probe()
    {
        // The same name and search the P/Invokes above resolve through; the handle stays loaded for them.
        if (!NativeLibrary.TryLoad(LibraryName, typeof(LibCrypto).Assembly, null, out var handle))
        {
            return false;
        }

        ReadOnlySpan<string> exports =
            ["SHA256_Init", "SHA256_Update", "SHA256_Final", "SHA512_Init", "SHA512_Update", "SHA512_Final"];
        foreach (var name in exports)
        {
            if (!NativeLibrary.TryGetExport(handle, name, out _))
            {
                return false;
            }
        }

        return true;
    }
}
