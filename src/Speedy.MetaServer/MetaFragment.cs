namespace Speedy.MetaServer;

/// <summary>
/// One fragment of a file: the bytes [<see cref="Offset"/>, <see cref="Offset"/> + <see cref="Length"/>) of the file
/// live on the chunk servers as the needle <see cref="FileId"/>, whose CRC-32C is <see cref="Crc32C"/>.
/// </summary>
/// <param name="Index">The fragment's position in the file, from 0.</param>
/// <param name="Offset">Where the fragment starts in the file.</param>
/// <param name="Length">How many bytes it holds; at least 1.</param>
/// <param name="FileId">Where the chunk servers keep it; opaque to the meta store (printable ASCII).</param>
/// <param name="Crc32C">The CRC-32C (Castagnoli) of the fragment's bytes.</param>
public readonly record struct MetaFragment(int Index, long Offset, int Length, string FileId, uint Crc32C)
{
    /// <summary>The first byte after the fragment.</summary>
    public long End => Offset + Length;

    internal static void Validate(in MetaFragment fragment, string paramName)
    {
        if (fragment.Index < 0)
        {
            throw new ArgumentException($"fragment index {fragment.Index} is negative", paramName);
        }

        if (fragment.Offset < 0 || fragment.Length <= 0 || fragment.Offset > long.MaxValue - fragment.Length)
        {
            throw new ArgumentException(
                $"fragment {fragment.Index} has an invalid range: offset {fragment.Offset}, length {fragment.Length}",
                paramName);
        }

        var fileId = fragment.FileId;
        if (string.IsNullOrEmpty(fileId) || fileId.Length > MetaLimits.MaxFileIdLength)
        {
            throw new ArgumentException(
                $"fragment {fragment.Index} needs a file id of 1 to {MetaLimits.MaxFileIdLength} characters",
                paramName);
        }

        foreach (var c in fileId)
        {
            if (c is < '!' or > '~')
            {
                throw new ArgumentException(
                    $"fragment {fragment.Index} has a file id that is not printable ASCII", paramName);
            }
        }
    }
}
