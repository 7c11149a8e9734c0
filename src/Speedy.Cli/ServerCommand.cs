using System.CommandLine;
using System.Data.Common;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Speedy.Cluster;
using Speedy.Hosting;
using Speedy.Registry;

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
        command.SetAction(RunAsync);
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, CancellationToken cancellationToken)
    {
        RegistryOptions registry;
        LocalClusterOptions store;
        IPEndPoint listen;
        try
        {
            var flags = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            Add(flags, "ChunkServers", parse.GetValue(s_chunkServers)?.ToString(CultureInfo.InvariantCulture));
            Add(flags, "Replicas", parse.GetValue(s_replicas)?.ToString(CultureInfo.InvariantCulture));
            Add(flags, "VolumeSize", parse.GetValue(s_volumeSize)?.ToString(CultureInfo.InvariantCulture));
            var configuration = SpeedyCommand.LoadConfiguration(parse, flags);
            registry = new RegistryOptions();
            configuration.Bind(registry);
            registry.Storage = "speedy";
            store = new LocalClusterOptions();
            configuration.Bind(store);
            store.Data = registry.Data;
            store.MaxFragmentBytes = registry.Cluster.FragmentBytes;
            SpeedyCommand.ValidateServing(registry);
            listen = ListenAddress.Parse(registry.Listen);
            store.Validate();
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

            return await RunRegistryAsync(registry, cluster, cancellationToken);
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

    /// <summary>Runs the registry until Ctrl-C or SIGTERM; disposing it (before the store) stops it first.</summary>
    private static async Task<int> RunRegistryAsync(RegistryOptions registry, LocalCluster cluster, CancellationToken cancellationToken)
    {
        await using var app = RegistryHost.Build(registry, builder =>
        {
            builder.Services.AddSingleton(cluster.LocalFragments);
            builder.Services.AddSingleton(cluster.MetaStore);
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
        Console.WriteLine($"speedy server: listening on {scheme}://{registry.Listen}, storage speedy with data under {cluster.Data}");
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

    private static void Add(Dictionary<string, string?> flags, string key, string? value)
    {
        if (value is not null)
        {
            flags[key] = value;
        }
    }
}
