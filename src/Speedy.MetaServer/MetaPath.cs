using System.Text;
using Speedy.Storage;

namespace Speedy.MetaServer;

/// <summary>
/// Paths as the meta store keys them. A path follows the storage seam's rules (<see cref="StoragePath"/>) and is
/// also well-formed UTF-16 (both backends store UTF-8, where a lone surrogate would silently become U+FFFD and two
/// paths could collide) and at most <see cref="MetaLimits.MaxPathBytes"/> UTF-8 bytes.
/// </summary>
/// <remarks>
/// A node is keyed by (parent, name): "/a/b/c" is ("/a/b", "c"), and a child of the root "/x" is ("/", "x"). The root
/// has no row. The descendants of a directory d (not the root) are the rows whose parent is d or starts with
/// d + "/", which in byte order is the range [d + "/", d + "0") since '0' follows '/': siblings sharing a prefix,
/// like "/a/b-c" or "/a/bc" next to "/a/b", fall outside it.
/// </remarks>
internal static class MetaPath
{
    public const string Root = "/";

    /// <summary>Checks a path that may be the root.</summary>
    public static void Validate(string path, string paramName)
    {
        ArgumentNullException.ThrowIfNull(path, paramName);
        if (!StoragePath.IsValid(path) || !IsWellFormed(path) || Encoding.UTF8.GetByteCount(path) > MetaLimits.MaxPathBytes)
        {
            throw new ArgumentException($"invalid meta store path: \"{path}\"", paramName);
        }
    }

    /// <summary>Checks a path that names a file: like <see cref="Validate"/>, and not the root.</summary>
    public static void ValidateFile(string path, string paramName)
    {
        Validate(path, paramName);
        if (path.Length == 1)
        {
            throw new ArgumentException("the root \"/\" is a directory, not a file", paramName);
        }
    }

    /// <summary>Checks a list cursor: a name (no "/"), well-formed UTF-16; <see langword="null"/> starts at the beginning.</summary>
    public static void ValidateCursor(string? startAfter, string paramName)
    {
        if (startAfter is not null && (startAfter.Contains('/', StringComparison.Ordinal) || !IsWellFormed(startAfter)))
        {
            throw new ArgumentException($"invalid list cursor: \"{startAfter}\"", paramName);
        }
    }

    /// <summary>Splits a path other than the root into its parent directory and last segment.</summary>
    public static (string Parent, string Name) Split(string path)
    {
        var slash = path.LastIndexOf('/');
        return (slash == 0 ? Root : path[..slash], path[(slash + 1)..]);
    }

    /// <summary>The path of the child <paramref name="name"/> of the directory <paramref name="parent"/>.</summary>
    public static string Join(string parent, string name) => parent.Length == 1 ? "/" + name : parent + "/" + name;

    /// <summary>The parent directory of a path other than the root.</summary>
    public static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash == 0 ? Root : path[..slash];
    }

    /// <summary>
    /// The directories strictly between the root and <paramref name="path"/>, outermost first, as (parent, name)
    /// keys: "/a/b/c" gives ("/", "a") and ("/a", "b").
    /// </summary>
    public static (string[] Parents, string[] Names) Ancestors(string path)
    {
        var count = 0;
        for (var i = 1; i < path.Length; i++)
        {
            if (path[i] == '/')
            {
                count++;
            }
        }

        var parents = new string[count];
        var names = new string[count];
        var start = 1;
        var n = 0;
        for (var i = 1; i < path.Length; i++)
        {
            if (path[i] == '/')
            {
                parents[n] = start == 1 ? Root : path[..(start - 1)];
                names[n] = path[start..i];
                n++;
                start = i + 1;
            }
        }

        return (parents, names);
    }

    /// <summary>The inclusive low end of the parent range of a directory's deeper descendants.</summary>
    public static string DescendantsLow(string directory) => directory + "/";

    /// <summary>The exclusive high end of the parent range of a directory's deeper descendants.</summary>
    public static string DescendantsHigh(string directory) => directory + "0";

    private static bool IsWellFormed(string value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }
}
