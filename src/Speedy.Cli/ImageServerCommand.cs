using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Speedy.ImageServer;
using Speedy.Master;

namespace Speedy.Cli;

/// <summary>
/// <c>speedy imageserver --listen host:port --master URL…</c>: the stateless fragment access layer. It takes its
/// topology and needle-id leases from the masters (cached, so it keeps working while they are briefly away).
/// </summary>
internal static class ImageServerCommand
{
    private static readonly Option<string> s_listen = new("--listen") { Description = "host:port to listen on (default 127.0.0.1:7100)" };
    private static readonly Option<string[]> s_masters = new("--master") { Description = "master base URL (repeat for several)" };
    private static readonly Option<FileInfo> s_config = new("--config") { Description = "JSON configuration file (keys: Listen, MaxFragmentBytes, CacheBytes, …)" };

    public static Command Create()
    {
        var command = new Command("imageserver", "an image server: stores fragments on every member of a group, serves them from any replica")
        {
            s_listen, s_masters, s_config,
        };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (parse.GetValue(s_listen) is { } listen)
        {
            flags["Listen"] = listen;
        }

        var options = new ImageServerOptions();
        var masters = new List<Uri>();
        try
        {
            SpeedyConfiguration.Build(parse.GetValue(s_config), flags).Bind(options);
            options.Validate();
            foreach (var master in parse.GetValue(s_masters) ?? [])
            {
                masters.Add(Uri.TryCreate(master, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
                    ? uri
                    : throw new FormatException($"--master \"{master}\" is not an http(s) URL"));
            }

            if (masters.Count == 0)
            {
                throw new FormatException("an image server needs at least one --master");
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"speedy imageserver: {ex.Message}");
            return 2;
        }

        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var client = new MasterClient(http, masters);
        await using var app = ImageServerHost.Build(options, new MasterTopologySource(client));
        return await HostRunner.RunAsync(app, "imageserver", options.Listen, $"masters {string.Join(", ", masters)}", cancellationToken);
    }
}
