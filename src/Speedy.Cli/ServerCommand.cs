using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Speedy.Auth;
using Speedy.Cluster;
using Speedy.Hosting;
using Speedy.Index;
using Speedy.Index.Events;
using Speedy.Index.Store;
using Speedy.Index.Web;
using Speedy.Index.Web.Health;
using Speedy.Registry;
using Speedy.Registry.Events;

namespace Speedy.Cli;

/// <summary>
/// <c>speedy server</c>, the all-in-one: the whole store (<see cref="LocalCluster"/>: master, chunk servers, meta
/// server on SQLite, image server, on loopback ports) with its data under <c>--data</c>, and the registry in front of
/// it on the <c>speedy</c> driver. The registry listens only once every chunk server has reported and every group
/// takes writes; on Ctrl-C or SIGTERM the registry stops first, then the store (image server, meta server, chunk
/// servers, master).
/// </summary>
internal static class ServerCommand
{
    private static readonly Option<int?> s_chunkServers = new("--chunk-servers")
    {
        Description = "chunk servers to run, a multiple of --replicas (default: as the data directory was created; new: 2, or --replicas if larger)",
    };

    private static readonly Option<int?> s_replicas = new("--replicas")
    {
        Description = "chunk servers per group, i.e. copies of every fragment (default 1: copies on one disk do not survive the disk; fixed once data exists)",
    };

    private static readonly Option<string> s_auth = new("--auth")
    {
        Description = "token (default): the built-in index signs clients in and issues tokens; none: anyone may push and pull",
    };

    private static readonly Option<string> s_publicUrl = new("--public-url")
    {
        Description = "the URL clients reach this server at, for the token realm (default http(s)://<listen>; needed when listening on all addresses)",
    };

    private static readonly Option<long?> s_volumeSize = new("--volume-size")
    {
        Description = "bytes per new volume, 1 MiB to 32 GiB; every chunk server preallocates two (default 1 GiB)",
    };

    /// <param name="shared">The registry's options the server takes too: --listen, --data, --fragment-size, --tls-cert, --tls-key, --config.</param>
    public static Command Create(params Option[] shared)
    {
        var command = new Command("server", "all-in-one: the registry on the speedy store (master, chunk servers, meta server, image server) in one process, data under --data");
        foreach (var option in shared)
        {
            command.Options.Add(option);
        }

        command.Options.Add(s_chunkServers);
        command.Options.Add(s_replicas);
        command.Options.Add(s_volumeSize);
        command.Options.Add(s_auth);
        command.Options.Add(s_publicUrl);
        s_auth.AcceptOnlyFromAmong(AuthModes.Token, AuthModes.None);
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        RegistryOptions registry;
        LocalClusterOptions store;
        IndexOptions? index;
        IPEndPoint listen;
        try
        {
            var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            SpeedyConfiguration.Add(flags, "ChunkServers", parse.GetValue(s_chunkServers)?.ToString(CultureInfo.InvariantCulture));
            SpeedyConfiguration.Add(flags, "Replicas", parse.GetValue(s_replicas)?.ToString(CultureInfo.InvariantCulture));
            SpeedyConfiguration.Add(flags, "VolumeSize", parse.GetValue(s_volumeSize)?.ToString(CultureInfo.InvariantCulture));
            SpeedyConfiguration.Add(flags, "Auth:Mode", parse.GetValue(s_auth));
            SpeedyConfiguration.Add(flags, "PublicUrl", parse.GetValue(s_publicUrl));
            var configuration = SpeedyCommand.LoadConfiguration(parse, flags);
            registry = new RegistryOptions();
            configuration.Bind(registry);
            registry.Storage = "speedy";

            // The index is in this process: its events go to it directly, never over HTTP.
            registry.Events = new EventsOptions();
            store = new LocalClusterOptions();
            configuration.Bind(store);
            store.Data = registry.Data;
            store.MaxFragmentBytes = registry.Cluster.FragmentBytes;
            SpeedyCommand.ValidateServing(registry);
            listen = ListenAddress.Parse(registry.Listen);
            store.Validate();
            index = ConfigureAuth(configuration, registry, listen);
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or InvalidDataException or FileNotFoundException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"speedy server: {ex.Message}");
            return 2;
        }

        // A taken address fails at once, not after the store has spent seconds starting.
        if (ProbeListen(listen) is { } busy)
        {
            await Console.Error.WriteLineAsync($"speedy server: cannot listen on {registry.Listen}: {busy}");
            return 2;
        }

        LocalCluster cluster;
        try
        {
            cluster = await LocalCluster.StartAsync(store, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }
        catch (LocalClusterException ex)
        {
            await Console.Error.WriteLineAsync($"speedy server: {ex.Message}");
            return 2;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or UnauthorizedAccessException or DbException or InvalidOperationException)
        {
            await Console.Error.WriteLineAsync($"speedy server: cannot start the store under {Path.GetFullPath(store.Data)}: {ex.Message}");
            return 2;
        }

        try
        {
            foreach (var group in cluster.ReadOnlyGroups)
            {
                await Console.Error.WriteLineAsync($"speedy server: warning: {group}; the store takes no new data there");
            }

            if (Directory.Exists(Path.Combine(cluster.Data, "registry")))
            {
                await Console.Error.WriteLineAsync(
                    $"speedy server: warning: {Path.Combine(cluster.Data, "registry")} holds images of the earlier filesystem-based server, which this one does not serve (`speedy registry --storage filesystem --data {cluster.Data}` does)");
            }

            registry.Cluster.MetaServers = [cluster.MetaServerUrl.ToString()];
            registry.Cluster.ImageServers = [cluster.ImageServerUrl.ToString()];
            try
            {
                registry.Cluster.Validate();
            }
            catch (ArgumentException ex)
            {
                await Console.Error.WriteLineAsync($"speedy server: {ex.Message}");
                return 2;
            }

            return await RunRegistryAsync(registry, index, cluster, cancellationToken);
        }
        finally
        {
            try
            {
                await cluster.DisposeAsync();
            }
            catch (AggregateException ex)
            {
                await Console.Error.WriteLineAsync($"speedy server: the store did not stop cleanly: {string.Join("; ", ex.InnerExceptions.Select(inner => inner.Message))}");
            }
        }
    }

    /// <summary>
    /// Token authentication (the default) by the index hosted in this process, with its data under <c>--data</c>: the
    /// realm is the public URL's <c>/token</c>, and the registry takes the index's keys and events in process. Null
    /// when authentication is off (<c>--auth none</c>).
    /// </summary>
    private static IndexOptions? ConfigureAuth(IConfiguration configuration, RegistryOptions registry, IPEndPoint listen)
    {
        if (configuration["Auth:Mode"] is null)
        {
            registry.Auth.Mode = AuthModes.Token;
        }

        if (registry.Auth.Mode == AuthModes.None)
        {
            return null;
        }

        if (registry.Auth.Mode != AuthModes.Token)
        {
            throw new FormatException($"--auth must be {AuthModes.Token} or {AuthModes.None}, not \"{registry.Auth.Mode}\"");
        }

        var index = new IndexOptions();
        configuration.Bind(index);
        index.Data = registry.Data;
        if (string.IsNullOrEmpty(index.PublicUrl))
        {
            if (listen.Address.Equals(IPAddress.Any) || listen.Address.Equals(IPAddress.IPv6Any))
            {
                throw new FormatException("listening on every address needs --public-url, the URL clients reach this server at (the token realm names it)");
            }

            index.PublicUrl = $"{(registry.Tls.Enabled ? "https" : "http")}://{registry.Listen}";
        }

        index.Validate();
        registry.Auth.Realm = index.PublicUrl.TrimEnd('/') + TokenProtocol.TokenPath;
        registry.Auth.Service = index.Service;
        registry.Auth.Issuer = index.Issuer;
        registry.Auth.Validate(keySourceProvided: true);
        return index;
    }

    /// <summary>Runs the registry until Ctrl-C or SIGTERM; disposing it (before the store) stops it first.</summary>
    private static async Task<int> RunRegistryAsync(RegistryOptions registry, IndexOptions? index, LocalCluster cluster, CancellationToken cancellationToken)
    {
        IIndexStore? accounts = null;
        if (index is not null)
        {
            try
            {
                accounts = await IndexHost.OpenStoreAsync(index, TimeProvider.System, cancellationToken);
            }
            catch (Exception ex) when (ex is DbException or IOException or UnauthorizedAccessException or InvalidDataException)
            {
                await Console.Error.WriteLineAsync($"speedy server: cannot open the index under {Path.GetFullPath(index.IndexDirectory)}: {ex.Message}");
                return 2;
            }
        }

        await using var app = RegistryHost.Build(
            registry,
            builder =>
            {
                builder.Services.AddSingleton(cluster.LocalFragments);
                builder.Services.AddSingleton(cluster.MetaStore);
                if (index is not null)
                {
                    // The container owns the index's store from here, and registers the index's key ring as the
                    // registry's ISigningKeySource, after (and so over) the registry's own JWKS client.
                    builder.Services.AddSpeedyIndex(index, accounts!);
                    builder.Services.AddSpeedyIndexWeb(new IndexWebOptions
                    {
                        RegistryUrl = new Uri(index.PublicUrl!),
                        KeysDirectory = Path.Combine(index.IndexDirectory, "web-keys"),
                    });
                    builder.Services.AddSingleton<IStoreHealth>(_ => new MasterStoreHealth([cluster.MasterUrl]));
                    builder.Services.AddSingleton<IRegistryEvents>(services => new IndexEventSink(services.GetRequiredService<IndexEvents>()));
                }
            },
            index is null ? null : app =>
            {
                app.MapSpeedyIndex();
                app.MapSpeedyIndexWeb();
            });
        try
        {
            await app.StartAsync(cancellationToken);
        }
        catch (IOException ex)
        {
            await Console.Error.WriteLineAsync($"speedy server: cannot listen on {registry.Listen}: {ex.Message}");
            return 2;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return 0;
        }

        Console.WriteLine(Describe(cluster));
        var scheme = registry.Tls.Enabled ? "https" : "http";
        var auth = index is null ? "none: anyone may push and pull" : $"tokens from the built-in index, realm {registry.Auth.Realm}";
        Console.WriteLine($"speedy server: listening on {scheme}://{registry.Listen}, storage speedy with data under {cluster.Data}, auth {auth}");
        await app.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>One line naming every role of the store and where it listens (for operators and tests).</summary>
    private static string Describe(LocalCluster cluster)
    {
        var servers = string.Join(", ", cluster.ChunkServers.Select(server =>
            string.Create(CultureInfo.InvariantCulture, $"{server.Url.GetLeftPart(UriPartial.Authority)} (group {server.Group})")));
        return string.Create(
            CultureInfo.InvariantCulture,
            $"speedy server: store of {cluster.ChunkServers.Count} chunk server(s) in {cluster.Groups} group(s) of {cluster.Replicas}: {servers}; master {cluster.MasterUrl}, meta server {cluster.MetaServerUrl}, image server {cluster.ImageServerUrl}");
    }

    /// <summary>
    /// Binds <paramref name="endPoint"/> and lets it go; the socket error's message if that fails. SO_REUSEADDR, as
    /// Kestrel's own socket has on Linux, so connections of an earlier run lingering in TIME_WAIT do not count as busy.
    /// </summary>
    private static string? ProbeListen(IPEndPoint endPoint)
    {
        using var socket = new Socket(endPoint.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            if (endPoint.Address.Equals(IPAddress.IPv6Any))
            {
                socket.DualMode = true;
            }

            socket.Bind(endPoint);
            return null;
        }
        catch (SocketException ex)
        {
            return ex.Message;
        }
    }
}
