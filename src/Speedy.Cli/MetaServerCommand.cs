using System.CommandLine;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Speedy.MetaServer;

namespace Speedy.Cli;

/// <summary>
/// <c>speedy metaserver --listen host:port --data DIR [--store sqlite|postgres] [--connection-string …]</c>: the path
/// namespace and fragment maps behind their HTTP API. Settings as for every role: defaults, <c>--config</c>,
/// <c>SPEEDY_</c> variables (<c>SPEEDY_CONNECTIONSTRING</c> keeps the password off the command line), flags.
/// </summary>
internal static class MetaServerCommand
{
    private static readonly Option<string> s_listen = new("--listen") { Description = "host:port to listen on (default 127.0.0.1:7003)" };
    private static readonly Option<string> s_data = new("--data") { Description = "data directory; the SQLite store keeps meta.db in it (default ./data)" };
    private static readonly Option<string> s_store = new("--store") { Description = "sqlite (embedded, default) or postgres (several meta servers share one database)" };
    private static readonly Option<string> s_connectionString = new("--connection-string") { Description = "Npgsql connection string of the postgres store (or SPEEDY_CONNECTIONSTRING)" };
    private static readonly Option<FileInfo> s_config = new("--config") { Description = "JSON configuration file (keys: Listen, Data, Store, ConnectionString)" };

    public static Command Create()
    {
        s_store.AcceptOnlyFromAmong(MetaServerOptions.SqliteStore, MetaServerOptions.PostgresStore);
        var command = new Command("metaserver", "the meta server: paths and fragment maps on SQLite or PostgreSQL, served over HTTP")
        {
            s_listen, s_data, s_store, s_connectionString, s_config,
        };
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        SpeedyConfiguration.Add(flags, "Listen", parse.GetValue(s_listen));
        SpeedyConfiguration.Add(flags, "Data", parse.GetValue(s_data));
        SpeedyConfiguration.Add(flags, "Store", parse.GetValue(s_store));
        SpeedyConfiguration.Add(flags, "ConnectionString", parse.GetValue(s_connectionString));

        var options = new MetaServerOptions();
        try
        {
            SpeedyConfiguration.Build(parse.GetValue(s_config), flags).Bind(options);
            options.Validate();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"speedy metaserver: {ex.Message}");
            return 2;
        }

        WebApplication app;
        try
        {
            app = await MetaServerHost.BuildAsync(options, configure: null, cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or System.Data.Common.DbException)
        {
            // The store could not be opened: a newer schema, permissions, PostgreSQL unreachable or refusing the login.
            await Console.Error.WriteLineAsync($"speedy metaserver: cannot open the {options.Store} store: {ex.Message}");
            return 2;
        }

        await using (app)
        {
            var store = options.Store == MetaServerOptions.PostgresStore ? "PostgreSQL" : Path.GetFullPath(options.DatabasePath);
            return await HostRunner.RunAsync(app, "metaserver", options.Listen, $"{options.Store} store at {store}", cancellationToken);
        }
    }
}
