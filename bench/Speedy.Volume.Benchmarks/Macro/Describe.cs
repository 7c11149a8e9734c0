namespace Speedy.Volume.Benchmarks.Macro;

/// <summary>What the figures were measured on.</summary>
internal static class Describe
{
    public static string Filesystem(string directory)
    {
        if (!File.Exists("/proc/mounts"))
        {
            return "an unknown filesystem";
        }

        var path = Path.GetFullPath(directory);
        var best = "";
        var description = "an unknown filesystem";
        foreach (var line in File.ReadAllLines("/proc/mounts"))
        {
            var fields = line.Split(' ');
            if (fields.Length > 2 && path.StartsWith(fields[1], StringComparison.Ordinal) && fields[1].Length > best.Length)
            {
                best = fields[1];
                description = $"{fields[2]} ({fields[0]} mounted on {fields[1]})";
            }
        }

        return description;
    }

    public static string Cpu()
    {
        if (File.Exists("/proc/cpuinfo"))
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("model name", StringComparison.Ordinal))
                {
                    return line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                }
            }
        }

        return "unknown CPU";
    }
}
