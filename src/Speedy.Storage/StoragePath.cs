namespace Speedy.Storage;

/// <summary>Validation of driver paths: absolute, slash-separated, no empty, "." or ".." segments.</summary>
public static class StoragePath
{
    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="path"/> is a valid driver path.</summary>
    public static void Validate(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!IsValid(path))
        {
            throw new ArgumentException($"invalid storage path: \"{path}\"", nameof(path));
        }
    }

    /// <summary>
    /// Like <see cref="Validate"/>, and also refuses "/": the root is always a directory, so it can never be the
    /// target of a write or a move.
    /// </summary>
    public static void ValidateFile(string path)
    {
        Validate(path);
        if (path.Length == 1)
        {
            throw new ArgumentException("the root \"/\" is a directory, not a file", nameof(path));
        }
    }

    public static bool IsValid(string path)
    {
        if (path.Length < 1 || path[0] != '/')
        {
            return false;
        }

        if (path.Length == 1)
        {
            return true;
        }

        var segmentStart = 1;
        for (var i = 1; i <= path.Length; i++)
        {
            if (i < path.Length && path[i] != '/')
            {
                var c = path[i];
                if (c == '\0' || c == '\\')
                {
                    return false;
                }

                continue;
            }

            var length = i - segmentStart;
            if (length == 0)
            {
                return false;
            }

            if (path[segmentStart] == '.' && (length == 1 || (length == 2 && path[segmentStart + 1] == '.')))
            {
                return false;
            }

            segmentStart = i + 1;
        }

        return true;
    }
}
