using System.Globalization;

namespace Speedy.Registry.Http;

/// <summary>One byte range of a <c>Range: bytes=</c> request header (RFC 9110 §14.1.2), resolved against a size.</summary>
internal readonly record struct ByteRange(long Start, long Length)
{
    /// <summary>
    /// Resolves the header against <paramref name="size"/>. Returns null for no header, a malformed one, or
    /// several ranges (all served as the whole blob, as RFC 9110 allows); sets <paramref name="unsatisfiable"/>
    /// when the range lies outside the blob.
    /// </summary>
    public static ByteRange? Resolve(string? header, long size, out bool unsatisfiable)
    {
        unsatisfiable = false;
        if (string.IsNullOrEmpty(header) || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var spec = header.AsSpan(6).Trim();
        if (spec.Contains(',') || spec.IndexOf('-') is var dash && dash < 0)
        {
            return null;
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!TryParse(last, out var suffix))
            {
                return null;
            }

            if (suffix == 0 || size == 0)
            {
                unsatisfiable = true;
                return null;
            }

            var length = Math.Min(suffix, size);
            return new ByteRange(size - length, length);
        }

        if (!TryParse(first, out var start))
        {
            return null;
        }

        var end = size - 1;
        if (last.Length > 0)
        {
            if (!TryParse(last, out end) || end < start)
            {
                return null;
            }
        }

        if (start >= size)
        {
            unsatisfiable = true;
            return null;
        }

        end = Math.Min(end, size - 1);
        return new ByteRange(start, end - start + 1);
    }

    private static bool TryParse(ReadOnlySpan<char> text, out long value) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
