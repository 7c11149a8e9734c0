using System.IO.Enumeration;
using Microsoft.Win32.SafeHandles;
using Speedy.IO;

namespace Speedy.Storage.Filesystem;

// The synchronous bodies of the public methods.
public sealed partial class FilesystemStorageDriver
{
    private byte[] GetContent(string path)
    {
        var fullPath = Resolve(path);
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(fullPath, FileMode.Open, FileAccess.Read, Sharing);
        }
        catch (Exception exception) when (IsMissingFile(exception, fullPath))
        {
            throw NotFound(path);
        }

        using (handle)
        {
            var length = RandomAccess.GetLength(handle);
            if (length > Array.MaxLength)
            {
                throw new IOException($"\"{path}\" is too large to read whole ({length} bytes)");
            }

            var content = GC.AllocateUninitializedArray<byte>((int)length);
            var read = 0;
            while (read < content.Length)
            {
                var count = RandomAccess.Read(handle, content.AsSpan(read), read);
                if (count == 0)
                {
                    return content[..read];
                }

                read += count;
            }

            return content;
        }
    }

    private void PutContent(string path, ReadOnlySpan<byte> content)
    {
        var fullPath = ResolveFile(path);
        var directory = ParentOf(fullPath);
        var temporaryPath = Path.Join(directory, TemporaryFilePrefix + Guid.NewGuid().ToString("N"));
        var handle = CreateFile(path, directory, temporaryPath, FileMode.CreateNew, FileOptions.None, content.Length);
        var renamed = false;
        try
        {
            using (handle)
            {
                RandomAccess.Write(handle, content, 0);
                RandomAccess.FlushToDisk(handle);
            }

            File.Move(temporaryPath, fullPath, overwrite: true);
            renamed = true;
        }
        finally
        {
            if (!renamed)
            {
                TryDeleteFile(temporaryPath);
            }
        }

        DirectorySync.Flush(directory);
    }

    private FileStream OpenReader(string path, long offset)
    {
        var fullPath = Resolve(path);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        FileStream stream;
        try
        {
            stream = new FileStream(fullPath, new FileStreamOptions
            {
                Mode = FileMode.Open,
                Access = FileAccess.Read,
                Share = Sharing,
                BufferSize = 0,
                Options = FileOptions.Asynchronous | FileOptions.SequentialScan,
            });
        }
        catch (Exception exception) when (IsMissingFile(exception, fullPath))
        {
            throw NotFound(path);
        }

        try
        {
            var length = stream.Length;
            if (offset > length)
            {
                throw new ArgumentOutOfRangeException(nameof(offset), offset, $"beyond the end of \"{path}\" ({length} bytes)");
            }

            stream.Position = offset;
            return stream;
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Opens the file without truncating it, takes the writer lock (<see cref="WriterLock"/>), and only then empties
    /// it when not appending: a writer refused as busy must not have cut the other writer's bytes.
    /// </summary>
    private FilesystemStorageWriter OpenWriter(string path, bool append)
    {
        var fullPath = ResolveFile(path);
        var directory = ParentOf(fullPath);
        for (var attempt = 1; ; attempt++)
        {
            var handle = CreateFile(path, directory, fullPath, FileMode.OpenOrCreate, FileOptions.Asynchronous, preallocationSize: 0);
            var locked = false;
            try
            {
                locked = WriterLock.TryAcquire(handle, fullPath, path);
                if (locked)
                {
                    if (!append)
                    {
                        RandomAccess.SetLength(handle, 0);
                    }

                    return new FilesystemStorageWriter(
                        this, fullPath, directory, handle, RandomAccess.GetLength(handle), _directWrites ? DirectWriter.TryOpen(fullPath) : null);
                }
            }
            catch
            {
                handle.Dispose();
                if (locked)
                {
                    WriterLock.Release(handle);
                }

                throw;
            }

            // The path was deleted or replaced between opening and locking: open whatever is there now.
            handle.Dispose();
            if (attempt == MaxCreateAttempts)
            {
                throw new IOException($"cannot open a writer on \"{path}\": it was replaced {attempt} times while being locked");
            }
        }
    }

    private StorageFileInfo Stat(string path)
    {
        var fullPath = Resolve(path);
        var file = new FileInfo(fullPath);
        if (file.Exists)
        {
            return new StorageFileInfo(path, file.Length, new DateTimeOffset(file.LastWriteTimeUtc), IsDirectory: false);
        }

        var directory = new DirectoryInfo(fullPath);
        if (directory.Exists)
        {
            return new StorageFileInfo(path, 0, new DateTimeOffset(directory.LastWriteTimeUtc), IsDirectory: true);
        }

        throw NotFound(path);
    }

    private List<string> List(string path)
    {
        var fullPath = Resolve(path);
        var isRoot = path.Length == 1;
        var names = new List<string>();
        try
        {
            var entries = new FileSystemEnumerable<string>(fullPath, s_fileName, s_directChildren)
            {
                ShouldIncludePredicate = s_isListed,
            };
            foreach (var name in entries)
            {
                names.Add(name);
            }
        }
        catch (DirectoryNotFoundException)
        {
            // Also a regular file at the path (ENOTDIR). A missing root lists as empty.
            return isRoot ? names : throw NotFound(path);
        }

        names.Sort(StringComparer.Ordinal);
        var prefix = isRoot ? path : path + "/";
        for (var i = 0; i < names.Count; i++)
        {
            names[i] = string.Concat(prefix, names[i]);
        }

        return names;
    }

    private void Move(string sourcePath, string destinationPath)
    {
        var source = Resolve(sourcePath);
        var destination = ResolveFile(destinationPath);
        if (!File.Exists(source))
        {
            throw NotFound(sourcePath);
        }

        if (string.Equals(source, destination, StringComparison.Ordinal))
        {
            return;
        }

        var sourceDirectory = ParentOf(source);
        var destinationDirectory = ParentOf(destination);
        for (var attempt = 1; ; attempt++)
        {
            EnsureDirectory(destinationPath, destinationDirectory);
            try
            {
                File.Move(source, destination, overwrite: true);
                WriterLock.Moved(source, destination);
                break;
            }
            catch (IOException exception) when (IsMissingEntry(exception))
            {
                // ENOENT: the source is gone, or a concurrent delete pruned the destination's directory (which
                // .NET may report as a missing source if the directory is back by the time it looks).
                if (!File.Exists(source))
                {
                    PruneEmptyDirectories(destinationDirectory);
                    throw NotFound(sourcePath);
                }

                if (attempt == MaxCreateAttempts)
                {
                    throw;
                }
            }
        }

        DirectorySync.Flush(destinationDirectory);
        if (!string.Equals(sourceDirectory, destinationDirectory, StringComparison.Ordinal))
        {
            DirectorySync.Flush(sourceDirectory);
            PruneEmptyDirectories(sourceDirectory);
        }
    }

    private void Delete(string path)
    {
        var fullPath = Resolve(path);
        if (path.Length == 1)
        {
            DeleteEverything();
            WriterLock.Deleted(_root);
            return;
        }

        try
        {
            if (File.Exists(fullPath))
            {
                File.Delete(fullPath);
            }
            else if (Directory.Exists(fullPath))
            {
                Directory.Delete(fullPath, recursive: true);
            }
            else
            {
                throw NotFound(path);
            }
        }
        catch (IOException exception) when (IsMissingEntry(exception))
        {
            // A concurrent delete got there first and pruned the directory.
            throw NotFound(path);
        }

        WriterLock.Deleted(fullPath);
        PruneEmptyDirectories(ParentOf(fullPath));
    }

    /// <summary>Empties the root, keeping the root directory itself; links are removed, not followed.</summary>
    private void DeleteEverything()
    {
        if (!Directory.Exists(_root))
        {
            return;
        }

        var entries = new List<(string Path, bool IsDirectory)>();
        foreach (var entry in new FileSystemEnumerable<(string Path, bool IsDirectory)>(_root, s_entry, s_directChildren))
        {
            entries.Add(entry);
        }

        foreach (var (entryPath, isDirectory) in entries)
        {
            if (isDirectory)
            {
                Directory.Delete(entryPath, recursive: true);
            }
            else
            {
                File.Delete(entryPath);
            }
        }
    }
}
