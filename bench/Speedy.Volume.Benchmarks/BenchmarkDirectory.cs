namespace Speedy.Volume.Benchmarks;

/// <summary>Where the micro benchmarks put their volumes: <c>SPEEDY_BENCH_DIR</c>, or a directory under the temp directory.</summary>
internal static class BenchmarkDirectory
{
    public static string Create(string name)
    {
        var root = Environment.GetEnvironmentVariable("SPEEDY_BENCH_DIR") is { Length: > 0 } configured
            ? configured
            : Path.Combine(Path.GetTempPath(), "speedy-volume-bench");
        var path = Path.Combine(root, name + "-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(path);
        return path;
    }

    public static void Delete(string path)
    {
        if (Directory.Exists(path))
        {
            Directory.Delete(path, recursive: true);
        }
    }
}
