namespace Speedy.Cluster;

/// <summary>
/// Holds <c>lock</c> in a data directory open with <see cref="FileShare.None"/> (on Linux an exclusive
/// <c>flock</c>), so that a second cluster on the same directory — which would open the same volumes and append to
/// them behind the first one's back — refuses to start. The kernel drops the lock when the process dies.
/// </summary>
internal sealed class DataDirectoryLock : IDisposable
{
    public const string FileName = "lock";

    private readonly FileStream _file;

    private DataDirectoryLock(FileStream file) => _file = file;

    /// <exception cref="LocalClusterException">Another process (or another cluster in this one) holds the directory.</exception>
    public static DataDirectoryLock Acquire(string data)
    {
        var path = Path.Combine(data, FileName);
        try
        {
            return new DataDirectoryLock(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (IOException ex) when (File.Exists(path))
        {
            throw new LocalClusterException($"{data} is in use by another speedy server (it holds {path})", ex);
        }
    }

    public void Dispose() => _file.Dispose();
}
