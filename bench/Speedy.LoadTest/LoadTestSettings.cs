namespace Speedy.LoadTest;

/// <summary>
/// Everything a run does. <see cref="FullProfile"/> and <see cref="QuickProfile"/> are the two profiles; the command line's options
/// override single values of either.
/// </summary>
internal sealed record LoadTestSettings
{
    public required Uri Registry { get; init; }

    public required IReadOnlyList<Workload> Workloads { get; init; }

    /// <summary>Repositories are <c>&lt;prefix&gt;/pull</c>, <c>&lt;prefix&gt;/push</c>, … .</summary>
    public string RepositoryPrefix { get; init; } = "loadtest";

    public string? Label { get; init; }

    public bool Quick { get; init; }

    /// <summary>How long each timed step runs.</summary>
    public TimeSpan Duration { get; init; }

    public required IReadOnlyList<long> PullSizes { get; init; }

    public required IReadOnlyList<int> PullClients { get; init; }

    public long PushSize { get; init; }

    public long ChunkSize { get; init; }

    public required IReadOnlyList<int> PushClients { get; init; }

    public required IReadOnlyList<int> ManifestClients { get; init; }

    public int ImageLayers { get; init; }

    public long LayerSize { get; init; }

    public int ImageClients { get; init; }

    /// <summary>Layers one image pull fetches at a time (docker's default is 3).</summary>
    public int LayerParallelism { get; init; }

    public int MixedPushers { get; init; }

    public int MixedPullers { get; init; }

    /// <summary>Layers of each image a mixed-day pusher pushes.</summary>
    public int MixedPushLayers { get; init; }

    public long MixedPushLayerSize { get; init; }

    public static LoadTestSettings FullProfile(Uri registry, IReadOnlyList<Workload> workloads) => new()
    {
        Registry = registry,
        Workloads = workloads,
        Duration = TimeSpan.FromSeconds(10),
        PullSizes = [Units.MiB, 10 * Units.MiB, 100 * Units.MiB],
        PullClients = [1, 16, 64, 256],
        PushSize = 32 * Units.MiB,
        ChunkSize = 5 * Units.MiB,
        PushClients = [1, 16],
        ManifestClients = [64, 256],
        ImageLayers = 20,
        LayerSize = Units.MiB,
        ImageClients = 500,
        LayerParallelism = 3,
        MixedPushers = 4,
        MixedPullers = 32,
        MixedPushLayers = 3,
        MixedPushLayerSize = Units.MiB,
    };

    /// <summary>A smoke test: every workload, small and short, well under a minute in all.</summary>
    public static LoadTestSettings QuickProfile(Uri registry, IReadOnlyList<Workload> workloads) => new()
    {
        Registry = registry,
        Workloads = workloads,
        Quick = true,
        Duration = TimeSpan.FromSeconds(1),
        PullSizes = [64 * Units.KiB, Units.MiB, 4 * Units.MiB],
        PullClients = [1, 4, 16],
        PushSize = 4 * Units.MiB,
        ChunkSize = Units.MiB,
        PushClients = [1, 4],
        ManifestClients = [8, 32],
        ImageLayers = 5,
        LayerSize = 256 * Units.KiB,
        ImageClients = 20,
        LayerParallelism = 3,
        MixedPushers = 2,
        MixedPullers = 4,
        MixedPushLayers = 2,
        MixedPushLayerSize = 64 * Units.KiB,
    };

    /// <summary>The most requests the run ever has in flight at once, so the connection pool never queues one.</summary>
    public int MaxConcurrency()
    {
        var most = Math.Max(ImageClients, MixedPushers + MixedPullers) * LayerParallelism;
        foreach (var clients in PullClients.Concat(PushClients).Concat(ManifestClients))
        {
            most = Math.Max(most, clients);
        }

        return most;
    }
}
