using System.CommandLine;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Speedy.Hosting;
using Speedy.Registry;

namespace Speedy.Cli;

/// <summary>
/// The <c>speedy</c> command line: one subcommand per role. Settings come, lowest to highest precedence,
/// from defaults, the <c>--config</c> JSON file, <c>SPEEDY_</c> environment variables (<c>__</c> for a
/// section, e.g. <c>SPEEDY_TLS__CERTIFICATE</c>) and the flags.
/// </summary>
internal static class SpeedyCommand
{
    private static readonly Option<string> s_listen = new("--listen") { Description = "host:port to listen on (default 127.0.0.1:5000)" };
    private static readonly Option<string> s_data = new("--data") { Description = "data directory (default ./data)" };
    private static readonly Option<string> s_storage = new("--storage") { Description = "storage driver: filesystem, memory or speedy (default filesystem)" };
    private static readonly Option<string[]> s_metaServers = new("--meta-server") { Description = "meta server base URL of the speedy driver (repeat for several)" };
    private static readonly Option<string[]> s_imageServers = new("--image-server") { Description = "image server base URL of the speedy driver (repeat for several)" };
    private static readonly Option<int?> s_fragmentSize = new("--fragment-size") { Description = "bytes per fragment of the speedy driver (default 4 MiB)" };
    private static readonly Option<string> s_tlsCert = new("--tls-cert") { Description = "PEM certificate; with --tls-key serves HTTPS (HTTP/1.1 and HTTP/2)" };
    private static readonly Option<string> s_tlsKey = new("--tls-key") { Description = "PEM private key of --tls-cert" };
    private static readonly Option<bool> s_directWrites = new("--direct-writes")
    {
        Description = "filesystem driver: write large uploads past the page cache (O_DIRECT): less CPU per pushed byte on a VM, but fresh blobs are read from disk",
    };

    private static readonly Option<string> s_auth = new("--auth") { Description = "authentication: none, htpasswd (Basic users of --htpasswd) or token (the index's bearer tokens) (default none)" };
    private static readonly Option<string> s_authRealm = new("--auth-realm") { Description = "token: the index's token endpoint URL clients are sent to; htpasswd: the Basic realm (default speedy)" };
    private static readonly Option<string> s_authService = new("--auth-service") { Description = "the service name in challenges and the audience tokens must carry (default speedy-registry)" };
    private static readonly Option<string> s_authIssuer = new("--auth-issuer") { Description = "the issuer tokens must carry (default speedy-index)" };
    private static readonly Option<string> s_authJwks = new("--auth-jwks") { Description = "token: URL of the index's public keys (JWKS), e.g. https://index.example.com/.well-known/jwks.json" };
    private static readonly Option<string> s_htpasswd = new("--htpasswd") { Description = "htpasswd: the file of users and bcrypt hashes (htpasswd -B)" };
    private static readonly Option<string> s_eventsUrl = new("--events-url") { Description = "base URL of a separate index to forward pushes, pulls and deletions to (POST <url>/events), e.g. http://index.example.com:5001" };
    private static readonly Option<string> s_eventsSecret = new("--events-secret") { Description = "the index's events secret (its --events-secret), sent as a Bearer token; required with --events-url" };

    private static readonly Option<FileInfo> s_config = new("--config") { Description = "JSON configuration file (keys: Listen, Data, Storage, DirectWrites, UploadSecret, DeleteEnabled, Cluster:MetaServers, Cluster:ImageServers, Cluster:FragmentBytes, Tls:Certificate, Tls:Key; for registry also Auth:Mode, Auth:Realm, Auth:Service, Auth:Issuer, Auth:Jwks, Auth:Htpasswd, Events:Url, Events:Secret; for server also ChunkServers, Replicas, VolumeSize, MinFreeBytes)" };

    public static RootCommand Create()
    {
        var root = new RootCommand("Speedy: a container image registry with its own distributed image store");
        root.Subcommands.Add(ServerCommand.Create(s_listen, s_data, s_fragmentSize, s_tlsCert, s_tlsKey, s_config));
        root.Subcommands.Add(Role("registry", "the stateless OCI registry over a storage driver"));
        root.Subcommands.Add(ChunkServerCommand.Create());
        root.Subcommands.Add(MasterCommand.Create());
        root.Subcommands.Add(ImageServerCommand.Create());
        root.Subcommands.Add(MetaServerCommand.Create());
        root.Subcommands.Add(IndexCommand.Create());
        s_storage.AcceptOnlyFromAmong("filesystem", "memory", "speedy");
        s_auth.AcceptOnlyFromAmong(AuthModes.None, AuthModes.Htpasswd, AuthModes.Token);
        return root;
    }

    private static Command Role(string name, string description)
    {
        var command = new Command(name, description) { s_listen, s_data, s_storage, s_metaServers, s_imageServers, s_fragmentSize, s_directWrites, s_tlsCert, s_tlsKey, s_auth, s_authRealm, s_authService, s_authIssuer, s_authJwks, s_htpasswd, s_eventsUrl, s_eventsSecret, s_config };
        command.SetAction((parse, cancellationToken) => RunAsync(name, parse, cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(string role, ParseResult parse, CancellationToken cancellationToken)
    {
        RegistryOptions options;
        try
        {
            options = new RegistryOptions();
            var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            if (parse.GetValue(s_directWrites))
            {
                flags["DirectWrites"] = "true";
            }

            AddFlag(parse, s_auth, "Auth:Mode", flags);
            AddFlag(parse, s_authRealm, "Auth:Realm", flags);
            AddFlag(parse, s_authService, "Auth:Service", flags);
            AddFlag(parse, s_authIssuer, "Auth:Issuer", flags);
            AddFlag(parse, s_authJwks, "Auth:Jwks", flags);
            AddFlag(parse, s_htpasswd, "Auth:Htpasswd", flags);
            AddFlag(parse, s_eventsUrl, "Events:Url", flags);
            AddFlag(parse, s_eventsSecret, "Events:Secret", flags);

            LoadConfiguration(parse, flags).Bind(options);
            Validate(options);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidDataException or IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"speedy {role}: {ex.Message}");
            return 2;
        }

        await using var app = RegistryHost.Build(options);
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"speedy {role}: cannot listen on {options.Listen}: {ex.Message}");
            return 2;
        }

        var scheme = options.Tls.Enabled ? "https" : "http";
        var storage = options.Storage switch
        {
            "filesystem" => $"filesystem at {Path.GetFullPath(options.Data)}",
            "speedy" => $"speedy (meta servers {string.Join(", ", options.Cluster.MetaServers)}; image servers {string.Join(", ", options.Cluster.ImageServers)})",
            _ => options.Storage,
        };
        var auth = options.Auth.Mode switch
        {
            AuthModes.Token => $"tokens of {options.Auth.Issuer} from {options.Auth.Realm}",
            // Validate refused htpasswd mode without a file.
            AuthModes.Htpasswd => $"htpasswd {Path.GetFullPath(options.Auth.Htpasswd!)}",
            _ => "none",
        };
        var events = options.Events.Enabled ? $", events to {options.Events.Endpoint}" : string.Empty;
        Console.WriteLine($"speedy {role}: listening on {scheme}://{options.Listen}, storage {storage}, auth {auth}{events}");
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>
    /// The configuration of a registry role (<c>server</c> or <c>registry</c>): the registry's flags and
    /// <paramref name="flags"/> (a role's own, already in configuration keys) over <c>SPEEDY_</c> variables over the
    /// <c>--config</c> file.
    /// </summary>
    internal static IConfiguration LoadConfiguration(ParseResult parse, Dictionary<string, string?> flags)
    {
        AddFlag(parse, s_listen, "Listen", flags);
        AddFlag(parse, s_data, "Data", flags);
        AddFlag(parse, s_storage, "Storage", flags);
        AddList(parse, s_metaServers, "Cluster:MetaServers", flags);
        AddList(parse, s_imageServers, "Cluster:ImageServers", flags);
        if (parse.GetValue(s_fragmentSize) is { } fragmentSize)
        {
            flags["Cluster:FragmentBytes"] = fragmentSize.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        AddFlag(parse, s_tlsCert, "Tls:Certificate", flags);
        AddFlag(parse, s_tlsKey, "Tls:Key", flags);
        return SpeedyConfiguration.Build(parse.GetValue(s_config), flags);
    }

    private static void AddFlag(ParseResult parse, Option<string> option, string key, Dictionary<string, string?> flags) =>
        SpeedyConfiguration.Add(flags, key, parse.GetValue(option));

    private static void AddList(ParseResult parse, Option<string[]> option, string key, Dictionary<string, string?> flags) =>
        SpeedyConfiguration.AddList(flags, key, parse.GetValue(option));

    private static void Validate(RegistryOptions options)
    {
        ListenAddress.Parse(options.Listen);
        if (options.Storage is not ("filesystem" or "memory" or "speedy"))
        {
            throw new FormatException($"unknown storage driver \"{options.Storage}\"; use filesystem, memory or speedy");
        }

        if (options.Storage == "speedy")
        {
            options.Cluster.Validate();
        }

        ValidateServing(options);
        options.Auth.Validate();
        options.Events.Validate();
    }

    /// <summary>What every registry role checks whatever its storage: the listen address, TLS and the limits.</summary>
    internal static void ValidateServing(RegistryOptions options)
    {
        ListenAddress.Parse(options.Listen);
        if (string.IsNullOrEmpty(options.Tls.Certificate) != string.IsNullOrEmpty(options.Tls.Key))
        {
            throw new FormatException("TLS needs both --tls-cert and --tls-key");
        }

        if (options.Tls.Enabled && (!File.Exists(options.Tls.Certificate) || !File.Exists(options.Tls.Key)))
        {
            throw new FileNotFoundException("the TLS certificate or key file does not exist");
        }

        if (options.MaxManifestBytes <= 0 || options.MaxPageSize <= 0)
        {
            throw new FormatException("MaxManifestBytes and MaxPageSize must be positive");
        }
    }
}
