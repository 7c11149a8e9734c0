namespace Speedy.Storage;

/// <summary>What <see cref="IStorageDriver.StatAsync"/> knows about a path.</summary>
public readonly record struct StorageFileInfo(string Path, long Size, DateTimeOffset ModifiedAt, bool IsDirectory);
