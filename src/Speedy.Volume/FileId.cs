using System.Diagnostics.CodeAnalysis;
using System.Globalization;

namespace Speedy.Volume;

/// <summary>
/// Where a needle lives, without its offset (so compaction never touches metadata): group, volume, needle id and
/// cookie. The string form, which the chunk server puts in URLs, follows SeaweedFS's <c>3,01637037d6</c>:
/// <c>{group}.{volume},{needle}{cookie}</c>, with group and volume in decimal, the needle id in lower-case hex
/// without leading zeros, and the cookie as exactly eight lower-case hex digits, e.g. <c>2.3,1637037d6</c>.
/// Parsing accepts only this canonical form, so one needle has exactly one string.
/// </summary>
public readonly record struct FileId(GroupId Group, VolumeId Volume, NeedleId Needle, Cookie Cookie)
    : ISpanFormattable, ISpanParsable<FileId>
{
    /// <summary>The longest string form: two 10-digit decimals, 16 + 8 hex digits and two separators.</summary>
    public const int MaxLength = 10 + 1 + 10 + 1 + 16 + 8;

    private const int CookieDigits = 8;

    public override string ToString()
    {
        Span<char> buffer = stackalloc char[MaxLength];
        TryFormat(buffer, out var written);
        return new string(buffer[..written]);
    }

    public string ToString(string? format, IFormatProvider? formatProvider) => ToString();

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format = default, IFormatProvider? provider = null)
    {
        charsWritten = 0;
        if (!Group.Value.TryFormat(destination, out var n, default, CultureInfo.InvariantCulture))
        {
            return false;
        }

        var position = n;
        if (position >= destination.Length)
        {
            return false;
        }

        destination[position++] = '.';
        if (!Volume.Value.TryFormat(destination[position..], out n, default, CultureInfo.InvariantCulture))
        {
            return false;
        }

        position += n;
        if (position >= destination.Length)
        {
            return false;
        }

        destination[position++] = ',';
        if (!Needle.Value.TryFormat(destination[position..], out n, "x", CultureInfo.InvariantCulture))
        {
            return false;
        }

        position += n;
        if (!Cookie.Value.TryFormat(destination[position..], out n, "x8", CultureInfo.InvariantCulture))
        {
            return false;
        }

        charsWritten = position + n;
        return true;
    }

    public static FileId Parse(string s) => Parse(s.AsSpan(), null);

    public static FileId Parse(string s, IFormatProvider? provider) => Parse(s.AsSpan(), provider);

    public static FileId Parse(ReadOnlySpan<char> s, IFormatProvider? provider) =>
        TryParse(s, out var id) ? id : throw new FormatException($"'{s}' is not a file id of the form group.volume,needlecookie.");

    public static bool TryParse([NotNullWhen(true)] string? s, IFormatProvider? provider, out FileId result) =>
        TryParse(s.AsSpan(), out result);

    public static bool TryParse(ReadOnlySpan<char> s, IFormatProvider? provider, out FileId result) => TryParse(s, out result);

    public static bool TryParse(ReadOnlySpan<char> s, out FileId result)
    {
        result = default;
        var dot = s.IndexOf('.');
        if (dot < 0 || !TryParseDecimal(s[..dot], out var group))
        {
            return false;
        }

        var rest = s[(dot + 1)..];
        var comma = rest.IndexOf(',');
        if (comma < 0 || !TryParseDecimal(rest[..comma], out var volume))
        {
            return false;
        }

        var hex = rest[(comma + 1)..];
        if (hex.Length <= CookieDigits || hex.Length > CookieDigits + 16)
        {
            return false;
        }

        var needleDigits = hex[..^CookieDigits];
        if ((needleDigits.Length > 1 && needleDigits[0] == '0')
            || !TryParseHex(needleDigits, out var needle)
            || !TryParseHex(hex[^CookieDigits..], out var cookie))
        {
            return false;
        }

        result = new FileId(new GroupId(group), new VolumeId(volume), new NeedleId(needle), new Cookie((uint)cookie));
        return true;
    }

    private static bool TryParseDecimal(ReadOnlySpan<char> digits, out uint value)
    {
        value = 0;
        if (digits.IsEmpty || digits.Length > 10 || (digits.Length > 1 && digits[0] == '0'))
        {
            return false;
        }

        ulong accumulator = 0;
        foreach (var c in digits)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            accumulator = (accumulator * 10) + (uint)(c - '0');
        }

        if (accumulator > uint.MaxValue)
        {
            return false;
        }

        value = (uint)accumulator;
        return true;
    }

    private static bool TryParseHex(ReadOnlySpan<char> digits, out ulong value)
    {
        value = 0;
        foreach (var c in digits)
        {
            uint nibble;
            if (char.IsAsciiDigit(c))
            {
                nibble = (uint)(c - '0');
            }
            else if (c is >= 'a' and <= 'f')
            {
                nibble = (uint)(c - 'a' + 10);
            }
            else
            {
                return false;
            }

            value = (value << 4) | nibble;
        }

        return true;
    }
}
