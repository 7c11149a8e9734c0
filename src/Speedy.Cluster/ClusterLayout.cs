using System.Text.Json;
using Speedy.IO;

namespace Speedy.Cluster;

/// <summary>
/// How a data directory's chunk servers form groups, kept in <c>cluster.json</c> so that a restart puts every server
/// back in its group: server <c>i</c> (from 1) is in group <c>(i - 1) / Replicas + 1</c>. A chunk server's volumes
/// belong to its group for good, so the group size never changes and servers are never dropped; new groups may be
/// added.
/// </summary>
internal sealed record ClusterLayout(int ChunkServers, int Replicas)
{
    public const string FileName = "cluster.json";

    public int Groups => ChunkServers / Replicas;

    /// <summary>The group of chunk server <paramref name="number"/> (from 1).</summary>
    public uint GroupOf(int number) => (uint)((number - 1) / Replicas) + 1;

    /// <summary>
    /// Whether chunk server <paramref name="number"/> is the first of its group: the copy the all-in-one reads, kept in
    /// the page cache; the others write large needles past it, since they are read only when the first fails.
    /// </summary>
    public bool IsFirstOfGroup(int number) => (number - 1) % Replicas == 0;

    /// <summary>
    /// The layout to run: what <paramref name="chunkServers"/> and <paramref name="replicas"/> ask for, the rest from the
    /// recorded layout (or the defaults on a new directory).
    /// </summary>
    /// <exception cref="LocalClusterException">The request contradicts the recorded layout, or that is damaged.</exception>
    public static ClusterLayout Resolve(string data, int? chunkServers, int? replicas)
    {
        var recorded = Read(data);
        var r = replicas ?? recorded?.Replicas ?? LocalClusterOptions.DefaultReplicas;
        var n = chunkServers ?? recorded?.ChunkServers ?? Math.Max(LocalClusterOptions.DefaultChunkServers, r);
        if (recorded is not null && r != recorded.Replicas)
        {
            throw new LocalClusterException(
                $"{data} holds groups of {recorded.Replicas} chunk server(s); they cannot become groups of {r} (--replicas {recorded.Replicas}, or a new --data)");
        }

        if (recorded is not null && n < recorded.ChunkServers)
        {
            throw new LocalClusterException(
                $"{data} holds {recorded.ChunkServers} chunk servers; starting {n} would leave the data of the others unreachable (--chunk-servers {recorded.ChunkServers} or more)");
        }

        if (n % r != 0)
        {
            throw new LocalClusterException(
                $"{n} chunk servers cannot form groups of {r}: --chunk-servers must be a multiple of {r}{(recorded is null ? string.Empty : $", the group size {data} was created with")}");
        }

        return new ClusterLayout(n, r);
    }

    /// <summary>Records the layout durably (written aside, synced, renamed over, directory synced).</summary>
    public void Save(string data)
    {
        var path = Path.Combine(data, FileName);
        var temporary = path + ".tmp";
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            JsonSerializer.Serialize(file, this, ClusterJsonContext.Default.ClusterLayout);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        DirectorySync.Flush(data);
    }

    private static ClusterLayout? Read(string data)
    {
        var path = Path.Combine(data, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            var layout = JsonSerializer.Deserialize(File.ReadAllBytes(path), ClusterJsonContext.Default.ClusterLayout);
            if (layout is null || layout.Replicas < 1 || layout.ChunkServers < layout.Replicas || layout.ChunkServers % layout.Replicas != 0)
            {
                throw new JsonException("the chunk server count is not a positive multiple of the group size");
            }

            return layout;
        }
        catch (JsonException ex)
        {
            throw new LocalClusterException($"{path} is damaged: {ex.Message}", ex);
        }
    }
}
