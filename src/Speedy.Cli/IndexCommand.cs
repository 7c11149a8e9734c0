using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Speedy.Index;
using Speedy.Index.Keys;
using Speedy.Index.Web.Health;

namespace Speedy.Cli;

/// <summary>
/// <c>speedy index --listen host:port --data DIR [--database sqlite|postgres] [--connection-string …] …</c>: the
/// token service (Docker token authentication and OAuth2), its accounts and metadata, the signing keys' JWKS, and the
/// web UI (explore, sign-in, tokens, administration; the repository and tag pages read the registry at
/// <c>--registry-url</c>, and the admin health page the store's topology from <c>--master</c>).
/// <c>speedy index rotate-key --data DIR</c> makes a new signing key that a running index publishes at once and signs
/// with after the publish delay. Settings as for every role: defaults, <c>--config</c>, <c>SPEEDY_</c> variables
/// (<c>SPEEDY_CONNECTIONSTRING</c>, <c>SPEEDY_EVENTSSECRET</c> keep secrets off the command line), flags.
/// </summary>
internal static class IndexCommand
{
    private static readonly Option<string> s_listen = new("--listen") { Description = "host:port to listen on (default 127.0.0.1:5001)" };
    private static readonly Option<string> s_data = new("--data") { Description = "data directory; the index keeps index/index.db and index/keys/ in it (default ./data)" };
    private static readonly Option<string> s_database = new("--database") { Description = "sqlite (embedded, default) or postgres" };
    private static readonly Option<string> s_connectionString = new("--connection-string") { Description = "Npgsql connection string of the postgres database (or SPEEDY_CONNECTIONSTRING)" };
    private static readonly Option<string> s_issuer = new("--issuer") { Description = "the tokens' issuer (default speedy-index)" };
    private static readonly Option<string> s_service = new("--service") { Description = "the registry's service name, the tokens' audience (default speedy-registry)" };
    private static readonly Option<string> s_publicUrl = new("--public-url") { Description = "the index's external base URL, e.g. https://index.example.com" };
    private static readonly Option<string> s_registryUrl = new("--registry-url") { Description = "the registry's base URL the web UI reads tags and manifests from, e.g. http://127.0.0.1:5000 (its repository and tag pages need it)" };
    private static readonly Option<string> s_registryHost = new("--registry-host") { Description = "the registry as docker pull and docker login commands on the web UI name it (default: --registry-url's host:port)" };
    private static readonly Option<string[]> s_masters = new("--master") { Description = "base URL of a Speedy master behind the registry (repeat for several): the admin health page shows the store's topology from it" };
    private static readonly Option<string> s_eventsSecret = new("--events-secret") { Description = "Bearer secret of POST /events, at least 16 characters (or SPEEDY_EVENTSSECRET); without it /events is off" };
    private static readonly Option<int?> s_bcryptWorkFactor = new("--bcrypt-work-factor") { Description = "bcrypt cost of new password hashes, 4 to 31 (default 12)" };
    private static readonly Option<string> s_keyRotation = new("--key-rotation") { Description = "make a new signing key when the newest is this old, d.hh:mm:ss (default 30.00:00:00)" };
    private static readonly Option<string> s_keyPublishDelay = new("--key-publish-delay") { Description = "publish a new key this long before it signs, longer than registries cache the JWKS (default 01:00:00)" };
    private static readonly Option<FileInfo> s_config = new("--config") { Description = "JSON configuration file (keys as IndexOptions: Listen, Data, Database, ConnectionString, Issuer, Service, PublicUrl, RegistryUrl, RegistryHost, Masters, EventsSecret, BcryptWorkFactor, KeyRotationInterval, KeyPublishDelay, …)" };
    private static readonly Option<string> s_rotateData = new("--data") { Description = "data directory of the index (default ./data)" };

    public static Command Create()
    {
        s_database.AcceptOnlyFromAmong(IndexOptions.SqliteDatabase, IndexOptions.PostgresDatabase);
        var command = new Command("index", "the index: token service for the registry, accounts, namespaces and repository metadata")
        {
            s_listen, s_data, s_database, s_connectionString, s_issuer, s_service, s_publicUrl, s_registryUrl,
            s_registryHost, s_masters, s_eventsSecret, s_bcryptWorkFactor, s_keyRotation, s_keyPublishDelay, s_config,
        };
        command.SetAction(RunAsync);
        var rotate = new Command("rotate-key", "make a new signing key now: published at once, signing after the publish delay") { s_rotateData };
        rotate.SetAction(RotateKey);
        command.Subcommands.Add(rotate);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        SpeedyConfiguration.Add(flags, "Listen", parse.GetValue(s_listen));
        SpeedyConfiguration.Add(flags, "Data", parse.GetValue(s_data));
        SpeedyConfiguration.Add(flags, "Database", parse.GetValue(s_database));
        SpeedyConfiguration.Add(flags, "ConnectionString", parse.GetValue(s_connectionString));
        SpeedyConfiguration.Add(flags, "Issuer", parse.GetValue(s_issuer));
        SpeedyConfiguration.Add(flags, "Service", parse.GetValue(s_service));
        SpeedyConfiguration.Add(flags, "PublicUrl", parse.GetValue(s_publicUrl));
        SpeedyConfiguration.Add(flags, "RegistryUrl", parse.GetValue(s_registryUrl));
        SpeedyConfiguration.Add(flags, "RegistryHost", parse.GetValue(s_registryHost));
        SpeedyConfiguration.AddList(flags, "Masters", parse.GetValue(s_masters));
        SpeedyConfiguration.Add(flags, "EventsSecret", parse.GetValue(s_eventsSecret));
        SpeedyConfiguration.Add(flags, "BcryptWorkFactor", parse.GetValue(s_bcryptWorkFactor)?.ToString(CultureInfo.InvariantCulture));
        SpeedyConfiguration.Add(flags, "KeyRotationInterval", parse.GetValue(s_keyRotation));
        SpeedyConfiguration.Add(flags, "KeyPublishDelay", parse.GetValue(s_keyPublishDelay));

        var options = new IndexOptions();
        try
        {
            SpeedyConfiguration.Build(parse.GetValue(s_config), flags).Bind(options);
            options.Validate();
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or FileNotFoundException)
        {
            await Console.Error.WriteLineAsync($"speedy index: {ex.Message}");
            return 2;
        }

        WebApplication app;
        try
        {
            app = await IndexHost.BuildAsync(options, builder => AddStoreHealth(builder, options), cancellationToken);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or UnauthorizedAccessException or InvalidDataException or DbException)
        {
            await Console.Error.WriteLineAsync($"speedy index: cannot open the {options.Database} store or the signing keys: {ex.Message}");
            return 2;
        }

        await using (app)
        {
            var store = options.Database == IndexOptions.PostgresDatabase ? "PostgreSQL" : Path.GetFullPath(options.DatabasePath);
            var jwks = (options.PublicUrl?.TrimEnd('/') ?? $"http://{options.Listen}") + Speedy.Auth.TokenProtocol.JwksPath;
            var registry = options.RegistryUrl ?? "none (no --registry-url: repository pages unavailable)";
            var health = options.Masters.Count == 0 ? "not available (no --master)" : $"from {string.Join(", ", options.Masters)}";
            return await HostRunner.RunAsync(
                app, "index", options.Listen, $"{options.Database} store at {store}, keys at {jwks}; web UI on the registry {registry}, storage health {health}", cancellationToken);
        }
    }

    /// <summary>The admin health page's source: the masters' topology, when <c>--master</c> names any.</summary>
    private static void AddStoreHealth(WebApplicationBuilder builder, IndexOptions options)
    {
        if (options.Masters.Count > 0)
        {
            var masters = options.Masters.Select(master => new Uri(master)).ToArray();
            // From the container's factory, so the container disposes it.
            builder.Services.AddSingleton<IStoreHealth>(_ => new MasterStoreHealth(masters));
        }
    }

    private static int RotateKey(ParseResult parse)
    {
        var options = new IndexOptions { Data = parse.GetValue(s_rotateData) ?? "./data" };
        try
        {
            var keyId = SigningKeyRing.CreateKeyFile(options.KeysDirectory, TimeProvider.System);
            Console.WriteLine($"speedy index: new signing key {keyId} in {Path.GetFullPath(options.KeysDirectory)}; a running index publishes it within a minute and signs with it after the publish delay");
            return 0;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            Console.Error.WriteLine($"speedy index rotate-key: {ex.Message}");
            return 2;
        }
    }
}
