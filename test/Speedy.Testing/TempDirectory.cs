namespace Speedy.Testing;

/// <summary>A uniquely named directory under the system temp path, deleted with everything in it on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    private const string DefaultPrefix = "speedy-tests";

    /// <summary>A fresh directory: `TMP/speedy-tests-GUID`.</summary>
    public TempDirectory()
        : this(Fresh(DefaultPrefix, Guid.NewGuid().ToString("N")))
    {
    }

    private TempDirectory(string path) => Path = path;

    public string Path { get; }

    /// <summary>A fresh directory named after <paramref name="prefix"/>: `TMP/speedy-tests-PREFIX-GUID`.</summary>
    public static TempDirectory Create(string prefix) =>
        new(Fresh($"{DefaultPrefix}-{prefix}", Guid.NewGuid().ToString("N")));

    /// <summary>A directory with a short path (for tools that limit path length): `TMP/PREFIX-8hex`.</summary>
    public static TempDirectory CreateShort(string prefix) =>
        new(Fresh(prefix, Guid.NewGuid().ToString("N")[..8]));

    /// <summary>A path inside this directory (not created).</summary>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>A new subdirectory of this directory.</summary>
    public string CreateSubdirectory(string name) => Directory.CreateDirectory(Combine(name)).FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
            // A process we started may still be closing a file; one retry, then leave it to the OS.
            Thread.Sleep(500);
            try
            {
                Directory.Delete(Path, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string Fresh(string prefix, string unique)
    {
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{unique}");
        Directory.CreateDirectory(path);
        return path;
    }
}
