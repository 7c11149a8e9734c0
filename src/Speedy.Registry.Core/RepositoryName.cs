namespace Speedy.Registry.Core;

/// <summary>
/// Repository name and tag grammar of the OCI Distribution Specification:
/// name <c>[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*(\/[a-z0-9]+((\.|_|__|-+)[a-z0-9]+)*)*</c>,
/// tag <c>[a-zA-Z0-9_][a-zA-Z0-9._-]{0,127}</c>. Checked by hand, without regular expressions, on every request.
/// </summary>
public static class RepositoryName
{
    /// <summary>The longest name accepted; Distribution's limit, and what clients are told to keep under.</summary>
    public const int MaxLength = 255;

    public const int MaxTagLength = 128;

    public static bool IsValid(ReadOnlySpan<char> name)
    {
        if (name.Length is 0 or > MaxLength)
        {
            return false;
        }

        foreach (var range in name.Split('/'))
        {
            if (!IsValidComponent(name[range]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>One path component: alphanumeric runs joined by ".", "_", "__" or one or more "-".</summary>
    public static bool IsValidComponent(ReadOnlySpan<char> component)
    {
        if (component.Length == 0 || !IsLowerAlnum(component[0]) || !IsLowerAlnum(component[^1]))
        {
            return false;
        }

        var i = 0;
        while (i < component.Length)
        {
            var c = component[i];
            if (IsLowerAlnum(c))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < component.Length && !IsLowerAlnum(component[i]))
            {
                i++;
            }

            var separator = component[start..i];
            var valid = separator is "." or "_" or "__" || IsDashes(separator);
            if (!valid)
            {
                return false;
            }
        }

        return true;
    }

    public static bool IsValidTag(ReadOnlySpan<char> tag)
    {
        if (tag.Length is 0 or > MaxTagLength)
        {
            return false;
        }

        if (!IsTagChar(tag[0]) || tag[0] is '.' or '-')
        {
            return false;
        }

        foreach (var c in tag)
        {
            if (!IsTagChar(c))
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsDashes(ReadOnlySpan<char> separator)
    {
        foreach (var c in separator)
        {
            if (c != '-')
            {
                return false;
            }
        }

        return true;
    }

    private static bool IsLowerAlnum(char c) => char.IsAsciiDigit(c) || c is >= 'a' and <= 'z';

    private static bool IsTagChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '.' or '-';
}
