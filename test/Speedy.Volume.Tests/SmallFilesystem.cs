using System.Diagnostics;

namespace Speedy.Volume.Tests;

/// <summary>
/// A tmpfs of a few MiB mounted on a fresh directory (the tests run as root here), so a volume or a chunk server can really run out of
/// disk; unmounted on dispose. <see cref="TryMount"/> says why when mounting is not permitted.
/// </summary>
public sealed class SmallFilesystem : IDisposable
{
    private SmallFilesystem(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public static SmallFilesystem? TryMount(int megabytes, out string? why)
    {
        why = null;
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "speedy-tests", "tmpfs-" + Guid.NewGuid().ToString("n"));
        Directory.CreateDirectory(path);
        if (!OperatingSystem.IsLinux())
        {
            why = "tmpfs needs Linux";
        }
        else if (Run("mount", "-t", "tmpfs", "-o", $"size={megabytes}m", "tmpfs", path) is { } error)
        {
            why = $"mount -t tmpfs is not permitted here: {error}";
        }

        if (why is not null)
        {
            Directory.Delete(path);
            return null;
        }

        return new SmallFilesystem(path);
    }

    public void Dispose()
    {
        if (Run("umount", Path) is not null)
        {
            Run("umount", "-l", Path);
        }

        Directory.Delete(Path, recursive: true);
    }

    /// <summary>Runs a command; null if it succeeded, else what it printed.</summary>
    private static string? Run(string command, params string[] arguments)
    {
        var start = new ProcessStartInfo(command)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            using var process = Process.Start(start)!; // Process.Start with a ProcessStartInfo returns null only for shell reuse
            var output = process.StandardError.ReadToEnd() + process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return process.ExitCode == 0 ? null : $"exit {process.ExitCode}: {output.Trim()}";
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return e.Message;
        }
    }
}
