namespace Speedy.ChunkServer;

/// <summary>Which mounted filesystem a directory is on, so free space is counted once per filesystem.</summary>
internal static class MountPoint
{
    /// <summary>The longest mount point that contains <paramref name="directory"/>; the full path itself if none is known.</summary>
    public static string Of(string directory)
    {
        var path = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var best = string.Empty;
        DriveInfo[] drives;
        try
        {
            drives = DriveInfo.GetDrives();
        }
        catch (IOException)
        {
            return path;
        }
        catch (UnauthorizedAccessException)
        {
            return path;
        }

        foreach (var drive in drives)
        {
            var root = Path.TrimEndingDirectorySeparator(drive.RootDirectory.FullName);
            if (root.Length > best.Length && Contains(root, path))
            {
                best = root;
            }
        }

        return best.Length > 0 ? best : path;
    }

    private static bool Contains(string root, string path) =>
        root.Length == 0
        || root == Path.DirectorySeparatorChar.ToString()
        || path == root
        || (path.StartsWith(root, StringComparison.Ordinal) && path[root.Length] == Path.DirectorySeparatorChar);
}
