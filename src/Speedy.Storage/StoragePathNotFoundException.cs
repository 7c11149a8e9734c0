namespace Speedy.Storage;

/// <summary>The path a driver was asked to read does not exist.</summary>
public sealed class StoragePathNotFoundException : Exception
{
    public StoragePathNotFoundException()
    {
    }

    public StoragePathNotFoundException(string path)
        : base($"storage path not found: {path}") => Path = path;

    public StoragePathNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public string? Path { get; }
}
