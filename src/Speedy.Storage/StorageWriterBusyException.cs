namespace Speedy.Storage;

/// <summary>
/// <see cref="IStorageDriver.WriterAsync"/> was asked for a writer on a path that already has an open writer, in
/// this process or in any other sharing the storage. Thrown at once, without waiting for the other writer.
/// </summary>
public sealed class StorageWriterBusyException : IOException
{
    public StorageWriterBusyException()
    {
    }

    public StorageWriterBusyException(string path)
        : base($"another writer is open on storage path {path}") => Path = path;

    public StorageWriterBusyException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The driver path that has an open writer.</summary>
    public string? Path { get; }
}
