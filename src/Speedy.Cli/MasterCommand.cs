using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Speedy.Master;

namespace Speedy.Cli;

/// <summary>
/// <c>speedy master --listen host:port [--index N] [--heartbeat-timeout 10s]</c>: membership, topology and needle-id
/// leases, from chunk servers' heartbeats. Run several with distinct <c>--index</c> and point every chunk server at
/// all of them. Settings as for every role: defaults, <c>--config</c>, <c>SPEEDY_</c> variables, flags.
/// </summary>
internal static class MasterCommand
{
    private static readonly Option<string> s_listen = new("--listen") { Description = "host:port to listen on (default 127.0.0.1:9333)" };
    private static readonly Option<int?> s_index = new("--index") { Description = "this master's number, 0 to 63, distinct per master (default 0)" };
    private static readonly Option<string> s_heartbeatTimeout = new("--heartbeat-timeout") { Description = "a member silent this long is unhealthy, e.g. 10s (default 10s)" };
    private static readonly Option<string> s_forgetAfter = new("--forget-after") { Description = "a group silent this long is forgotten, e.g. 15m (default 15m)" };
    private static readonly Option<long?> s_minFree = new("--min-free-bytes") { Description = "a member with less free space makes its group read-only (default 1 GiB)" };
    private static readonly Option<FileInfo> s_config = new("--config") { Description = "JSON configuration file (keys: Listen, Index, HeartbeatTimeout, ForgetAfter, MinFreeBytes)" };

    public static Command Create()
    {
        var command = new Command("master", "a master: chunk server membership, groups, topology and needle-id leases")
        {
            s_listen, s_index, s_heartbeatTimeout, s_forgetAfter, s_minFree, s_config,
        };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var options = new MasterOptions();
        try
        {
            var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            SpeedyConfiguration.Add(flags, "Listen", parse.GetValue(s_listen));
            SpeedyConfiguration.Add(flags, "Index", parse.GetValue(s_index)?.ToString(CultureInfo.InvariantCulture));
            SpeedyConfiguration.Add(flags, "HeartbeatTimeout", Duration(parse.GetValue(s_heartbeatTimeout)));
            SpeedyConfiguration.Add(flags, "ForgetAfter", Duration(parse.GetValue(s_forgetAfter)));
            SpeedyConfiguration.Add(flags, "MinFreeBytes", parse.GetValue(s_minFree)?.ToString(CultureInfo.InvariantCulture));
            SpeedyConfiguration.Build(parse.GetValue(s_config), flags).Bind(options);
            options.Validate();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"speedy master: {ex.Message}");
            return 2;
        }

        await using var app = MasterHost.Build(options);
        return await HostRunner.RunAsync(app, "master", options.Listen, string.Create(CultureInfo.InvariantCulture, $"index {options.Index}, heartbeat timeout {options.HeartbeatTimeout.TotalSeconds:0.###} s"), cancellationToken);
    }

    private static string? Duration(string? text) =>
        text is null ? null : MasterOptions.ParseDuration(text).ToString("c", CultureInfo.InvariantCulture);
}
