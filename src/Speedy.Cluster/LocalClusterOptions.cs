namespace Speedy.Cluster;

/// <summary>
/// Settings of a <see cref="LocalCluster"/>: the whole store (master, chunk servers, meta server on SQLite, image
/// server) in one process, with its data under <see cref="Data"/> and every role on an ephemeral loopback port.
/// </summary>
public sealed class LocalClusterOptions
{
    /// <summary>Chunk servers when neither the options nor the data directory say otherwise.</summary>
    public const int DefaultChunkServers = 2;

    /// <summary>Members per group when neither the options nor the data directory say otherwise; see <see cref="Replicas"/>.</summary>
    public const int DefaultReplicas = 1;

    /// <summary>The most chunk servers one process runs.</summary>
    public const int MaxChunkServers = 64;

    /// <summary>The fragment size of the <c>speedy</c> storage driver unless told otherwise (4 MiB).</summary>
    public const int DefaultMaxFragmentBytes = 4 << 20;

    /// <summary>
    /// The data directory: <c>meta/meta.db</c> (the meta server's SQLite store), <c>chunk-1</c> … <c>chunk-N</c> (the
    /// chunk servers' volumes), <c>cluster.json</c> (how many chunk servers, in groups of how many) and <c>lock</c>
    /// (held while a cluster runs on it). The master keeps nothing on disk.
    /// </summary>
    public string Data { get; set; } = "./data";

    /// <summary>
    /// How many chunk servers to run, a multiple of <see cref="Replicas"/>: server <c>i</c> (from 1) is in group
    /// <c>(i - 1) / Replicas + 1</c> and keeps its volumes in <c>chunk-i</c>. Null: as many as the data directory
    /// was created with, on a new one <see cref="DefaultChunkServers"/> (or <see cref="Replicas"/> if larger). A
    /// data directory may grow by whole groups; it never shrinks, since the data on the servers left out would be
    /// unreachable.
    /// </summary>
    public int? ChunkServers { get; set; }

    /// <summary>
    /// How many chunk servers hold every fragment (the size of a group). Null: as the data directory was created
    /// with, on a new one <see cref="DefaultReplicas"/>, which is 1. It cannot change once a data directory has data.
    /// <para>
    /// Why 1 on one machine: every chunk server of a local cluster writes to the same disk, so a second copy does not
    /// survive what replication is for — the loss of a disk or a machine — while it doubles what every upload writes
    /// and fsyncs to that disk (a chained write appends every fragment once per member), so it halves the upload rate
    /// wherever the disk is the limit, and doubles the space. What a local copy would
    /// still cover is a damaged record on a disk that otherwise works; that is detected without one (every record
    /// carries a CRC-32C that each read checks, so a corrupt blob is an error and never wrong bytes), and the meta
    /// server's database, on the same disk, has no second copy anyway: the store as a whole is no more durable for
    /// copying only the blobs. Durability on one machine is the disk's business (RAID, ZFS mirrors) and backups;
    /// redundancy from the store needs chunk servers on other disks or machines (<c>speedy chunkserver</c>), where
    /// groups of 2 or 3 pay off.
    /// </para>
    /// <para>
    /// Why still 2 chunk servers: two groups give the image server somewhere else to put a fragment while one group
    /// is briefly read-only (a volume being sealed as full, a late heartbeat on a loaded machine), and spread writes
    /// over twice the volumes. The cost is one more server in the process and its preallocated volumes.
    /// </para>
    /// </summary>
    public int? Replicas { get; set; }

    /// <summary>
    /// The size of each new volume (1 MiB to 32 GiB). Every chunk server preallocates two on its first start, so a new
    /// data directory takes <c>2 × ChunkServers × VolumeSize</c> of disk at once. At least twice
    /// <see cref="MaxFragmentBytes"/>.
    /// </summary>
    public long VolumeSize { get; set; } = 1L << 30;

    /// <summary>
    /// The largest fragment the image server accepts: at least the <c>speedy</c> storage driver's fragment size
    /// (<c>ClusterStorageOptions.FragmentBytes</c>).
    /// </summary>
    public int MaxFragmentBytes { get; set; } = DefaultMaxFragmentBytes;

    /// <summary>A chunk server with less free space than this makes its group read-only (the master's setting).</summary>
    public long MinFreeBytes { get; set; } = 1L << 30;

    /// <summary>How often every chunk server reports to the master.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A chunk server silent this long is unhealthy and its group read-only. The master also keeps every group
    /// read-only for this long after it starts (its warm-up), so it is about how long a start takes. In one process a
    /// server goes silent only when the whole process stalls, so this can be short: four missed heartbeats.
    /// </summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(4);

    /// <summary>How long <see cref="LocalCluster.StartAsync"/> waits for every chunk server to report and every group to be writable.</summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// Last-moment changes to each role's web application builder, e.g. logging into a test's output. The first
    /// argument names the role: <c>master</c>, <c>chunk-1</c> … <c>chunk-N</c>, <c>meta</c> or <c>image</c>. Before it
    /// runs, the roles log from Warning up and leave Ctrl-C and SIGTERM to the process that hosts them.
    /// </summary>
    public Action<string, Microsoft.AspNetCore.Builder.WebApplicationBuilder>? ConfigureHost { get; set; }

    /// <summary>
    /// Options for tests and benchmarks: data in <paramref name="data"/> (a temporary directory), 16 MiB volumes, so a
    /// cluster takes little disk, and groups read-only only below 64 MiB free.
    /// </summary>
    public static LocalClusterOptions ForTests(string data) => new()
    {
        Data = data,
        VolumeSize = 16L << 20,
        MinFreeBytes = 64L << 20,
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Data))
        {
            throw new ArgumentException("the cluster needs a data directory (--data)");
        }

        if (ChunkServers is < 1 or > MaxChunkServers)
        {
            throw new ArgumentException($"the number of chunk servers must be between 1 and {MaxChunkServers} (--chunk-servers)");
        }

        if (Replicas is < 1 or > MaxChunkServers)
        {
            throw new ArgumentException($"the number of replicas must be between 1 and {MaxChunkServers} (--replicas)");
        }

        if (ChunkServers is { } servers && Replicas is { } replicas && servers % replicas != 0)
        {
            throw new ArgumentException(
                $"{servers} chunk servers cannot form groups of {replicas}: --chunk-servers must be a multiple of --replicas");
        }

        if (MaxFragmentBytes is < 4096 or > 1 << 30)
        {
            throw new ArgumentException("the fragment size must be between 4 KiB and 1 GiB (--fragment-size)");
        }

        if (VolumeSize is < 1L << 20 or > 32L << 30)
        {
            throw new ArgumentException("the volume size must be between 1 MiB and 32 GiB (--volume-size)");
        }

        if (VolumeSize < 2L * MaxFragmentBytes)
        {
            throw new ArgumentException(
                $"the volume size ({VolumeSize} bytes) must be at least twice the fragment size ({MaxFragmentBytes} bytes) (--volume-size)");
        }

        if (MinFreeBytes < 0)
        {
            throw new ArgumentException("MinFreeBytes must not be negative");
        }

        if (HeartbeatInterval <= TimeSpan.Zero || HeartbeatTimeout <= HeartbeatInterval)
        {
            throw new ArgumentException("HeartbeatInterval must be positive and HeartbeatTimeout longer than it");
        }

        if (StartTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("StartTimeout must be positive");
        }
    }
}
