using Microsoft.Win32.SafeHandles;
using Speedy.IO;

namespace Speedy.Storage.Filesystem;

// Mapping driver paths under the root; creating and pruning the directories of the tree.
public sealed partial class FilesystemStorageDriver
{
    /// <summary>
    /// Removes <paramref name="directory"/> and then each parent that is left empty, stopping at the first that is
    /// not empty and never removing the root.
    /// </summary>
    internal void PruneEmptyDirectories(string directory)
    {
        while (directory.Length > _root.Length && directory.StartsWith(_rootPrefix, StringComparison.Ordinal))
        {
            try
            {
                Directory.Delete(directory, recursive: false);
            }
            catch (DirectoryNotFoundException)
            {
                // Already gone (a concurrent prune): its parent may still be empty.
            }
            catch (IOException)
            {
                return;
            }
            catch (UnauthorizedAccessException)
            {
                return;
            }

            directory = ParentOf(directory);
        }
    }

    private static StoragePathNotFoundException NotFound(string path) => new(path);

    private static string ParentOf(string fullPath) =>
        Path.GetDirectoryName(fullPath) ?? throw new InvalidOperationException($"\"{fullPath}\" has no parent directory");

    private static void TryDeleteFile(string fullPath)
    {
        try
        {
            File.Delete(fullPath);
        }
        catch (IOException)
        {
            // Best effort: the caller is already failing with the exception that matters.
        }
        catch (UnauthorizedAccessException)
        {
            // As above.
        }
    }

    /// <summary>
    /// Opens <paramref name="fullPath"/> for writing in <paramref name="directory"/>, creating the directory first
    /// and again if a concurrent delete prunes it before the file exists.
    /// </summary>
    private SafeFileHandle CreateFile(
        string path, string directory, string fullPath, FileMode mode, FileOptions options, long preallocationSize)
    {
        for (var attempt = 1; ; attempt++)
        {
            EnsureDirectory(path, directory);
            try
            {
                return File.OpenHandle(fullPath, mode, FileAccess.Write, Sharing, options, preallocationSize);
            }
            catch (IOException exception) when (IsMissingEntry(exception) && attempt < MaxCreateAttempts)
            {
                // Only the directory can be missing when creating (ENOENT; .NET names it a missing file if the
                // directory is back by the time it looks): pruned between the two calls, so create it again.
            }
            catch (UnauthorizedAccessException exception) when (Directory.Exists(fullPath))
            {
                throw new IOException($"\"{path}\" is a directory", exception);
            }
        }
    }

    /// <summary>
    /// Creates <paramref name="directory"/> and its missing parents, and flushes each new entry into its parent so
    /// that the file about to be renamed or written into it survives a crash.
    /// </summary>
    private void EnsureDirectory(string path, string directory)
    {
        if (Directory.Exists(directory))
        {
            return;
        }

        var existingAncestor = ParentOf(directory);
        while (existingAncestor.Length > _root.Length && !Directory.Exists(existingAncestor))
        {
            existingAncestor = ParentOf(existingAncestor);
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                Directory.CreateDirectory(directory);
                break;
            }
            catch (IOException) when (attempt < MaxCreateAttempts)
            {
                // A concurrent delete pruned a directory mid-way: ENOENT, or EEXIST when .NET finds the name gone
                // by the time it checks that it is a directory. Or a parent is a file, which the last attempt reports.
            }
            catch (IOException exception) when (IsMissingEntry(exception))
            {
                // ENOTDIR, which .NET reports as a missing directory.
                throw new IOException($"cannot create the directory of \"{path}\": a parent is a file", exception);
            }
        }

        for (var created = directory; created.Length > existingAncestor.Length; created = ParentOf(created))
        {
            DirectorySync.Flush(ParentOf(created));
        }
    }

    private static bool IsMissingEntry(IOException exception) =>
        exception is FileNotFoundException or DirectoryNotFoundException;

    /// <summary>Whether opening a file failed because no regular file is there (missing, a directory, below a file).</summary>
    private static bool IsMissingFile(Exception exception, string fullPath) => exception switch
    {
        FileNotFoundException or DirectoryNotFoundException => true,
        UnauthorizedAccessException => Directory.Exists(fullPath),
        _ => false,
    };

    /// <summary>Validates a driver path and maps it under the root, refusing reserved names and symbolic links.</summary>
    private string Resolve(string path)
    {
        StoragePath.Validate(path);
        if (path.Contains(ReservedSegment, StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"invalid storage path: \"{path}\": segments starting with \"{TemporaryFilePrefix}\" are reserved", nameof(path));
        }

        if (path.Length == 1)
        {
            return _root;
        }

        var fullPath = Path.DirectorySeparatorChar == '/'
            ? string.Concat(_rootPrefix, path)
            : string.Concat(_rootPrefix, path.Replace('/', Path.DirectorySeparatorChar));
        ThrowIfLinked(path, fullPath);
        return fullPath;
    }

    private string ResolveFile(string path)
    {
        StoragePath.ValidateFile(path);
        return Resolve(path);
    }

    /// <summary>Refuses a path whose existing segments below the root include a symbolic link or reparse point.</summary>
    private void ThrowIfLinked(string path, string fullPath)
    {
        for (var end = _rootPrefix.Length + 1; end <= fullPath.Length; end++)
        {
            if (end < fullPath.Length && fullPath[end] != Path.DirectorySeparatorChar)
            {
                continue;
            }

            var attributes = new FileInfo(end == fullPath.Length ? fullPath : fullPath[..end]).Attributes;
            if ((int)attributes == -1)
            {
                // Missing: nothing further down exists either.
                return;
            }

            if ((attributes & FileAttributes.ReparsePoint) != 0)
            {
                throw new UnauthorizedAccessException($"storage path \"{path}\" crosses a symbolic link");
            }
        }
    }
}
