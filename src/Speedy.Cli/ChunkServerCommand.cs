using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Speedy.ChunkServer;

namespace Speedy.Cli;

/// <summary>
/// <c>speedy chunkserver --dir D --group G --listen host:port [--master URL]… [--replace URL]</c>: the volume engine
/// behind its HTTP API; with <c>--replace</c>, a new member that first copies its group's volumes. Settings as for
/// every role: defaults, <c>--config</c>, <c>SPEEDY_</c> variables, flags.
/// </summary>
internal static class ChunkServerCommand
{
    private static readonly Option<string[]> s_dirs = new("--dir") { Description = "volume directory (repeat for several disks)", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<uint?> s_group = new("--group") { Description = "group id this server belongs to (default 1)" };
    private static readonly Option<string> s_listen = new("--listen") { Description = "host:port to listen on (default 127.0.0.1:7001)" };
    private static readonly Option<string[]> s_masters = new("--master") { Description = "master base URL to heartbeat to (repeat for several); none runs standalone" };
    private static readonly Option<long?> s_volumeSize = new("--volume-size") { Description = "bytes per new volume, 1 MiB to 32 GiB (default 1 GiB)" };
    private static readonly Option<string> s_publicUrl = new("--public-url") { Description = "URL other roles reach this server at (default http://<listen>)" };
    private static readonly Option<string> s_replace = new("--replace")
    {
        Description = "URL of the member this new, empty server replaces (its own URL to replace in place): it copies and verifies the group's volumes before taking reads or writes, then the masters forget that member",
    };

    private static readonly Option<bool> s_directWrites = new("--direct-writes")
    {
        Description = "write large needles past the page cache (O_DIRECT): less CPU per stored byte, but fresh needles are read from disk; for a replica that is rarely read",
    };

    private static readonly Option<FileInfo> s_config = new("--config") { Description = "JSON configuration file (keys: Listen, Directories, Group, VolumeSize, Masters, PublicUrl, Replaces, DirectWrites)" };

    public static Command Create()
    {
        var command = new Command("chunkserver", "a chunk server: needles in large preallocated volumes, served over HTTP")
        {
            s_dirs, s_group, s_listen, s_masters, s_volumeSize, s_publicUrl, s_replace, s_directWrites, s_config,
        };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        SpeedyConfiguration.AddList(flags, "Directories", parse.GetValue(s_dirs));
        SpeedyConfiguration.AddList(flags, "Masters", parse.GetValue(s_masters));
        SpeedyConfiguration.Add(flags, "Group", parse.GetValue(s_group)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SpeedyConfiguration.Add(flags, "Listen", parse.GetValue(s_listen));
        SpeedyConfiguration.Add(flags, "VolumeSize", parse.GetValue(s_volumeSize)?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        SpeedyConfiguration.Add(flags, "PublicUrl", parse.GetValue(s_publicUrl));
        SpeedyConfiguration.Add(flags, "Replaces", parse.GetValue(s_replace));
        if (parse.GetValue(s_directWrites))
        {
            flags["DirectWrites"] = "true";
        }

        var options = new ChunkServerOptions();
        try
        {
            SpeedyConfiguration.Build(parse.GetValue(s_config), flags).Bind(options);
            options.Validate();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"speedy chunkserver: {ex.Message}");
            return 2;
        }

        WebApplication app;
        try
        {
            app = ChunkServerHost.Build(options);
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            // The volumes could not be opened: another group's volume in the directory, a damaged file, permissions.
            await Console.Error.WriteLineAsync($"speedy chunkserver: {ex.Message}");
            return 2;
        }

        await using (app)
        {
            return await HostRunner.RunAsync(app, "chunkserver", options.Listen, $"group {options.Group}, volumes in {string.Join(", ", options.Directories)}", cancellationToken);
        }
    }
}
