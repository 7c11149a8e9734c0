using System.Globalization;
using Speedy.Registry.Core;

namespace Speedy.Registry.Http;

/// <summary>The <c>Content-Range</c> of a chunk upload: <c>&lt;start&gt;-&lt;end&gt;</c> (the spec's form), also accepted with a "bytes " prefix and a "/total" suffix.</summary>
internal readonly record struct ContentRange(long Start, long End)
{
    public long Length => End - Start + 1;

    /// <summary>Null without a header; a malformed or backwards range is a 416 RANGE_INVALID.</summary>
    public static ContentRange? Parse(string? header)
    {
        if (string.IsNullOrWhiteSpace(header))
        {
            return null;
        }

        var text = header.AsSpan().Trim();
        if (text.StartsWith("bytes", StringComparison.OrdinalIgnoreCase))
        {
            text = text[5..].TrimStart(" =");
        }

        var slash = text.IndexOf('/');
        if (slash >= 0)
        {
            text = text[..slash];
        }

        var dash = text.IndexOf('-');
        if (dash <= 0
            || !long.TryParse(text[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var start)
            || !long.TryParse(text[(dash + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var end)
            || end < start)
        {
            throw new RegistryException(OciErrorCode.RangeInvalid, $"invalid Content-Range \"{RequestExtensions.Shorten(header)}\"", null, 416);
        }

        return new ContentRange(start, end);
    }
}
