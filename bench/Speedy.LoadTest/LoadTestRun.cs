using System.Globalization;

namespace Speedy.LoadTest;

/// <summary>What the workloads of one run share: the settings, the client, the random data, the fixtures and the results.</summary>
internal sealed class LoadTestRun : IDisposable
{
    private const int Seed = 5000;

    private readonly List<StepResult> _results = [];
    private readonly ulong _stream = (ulong)Random.Shared.NextInt64() | (1UL << 63);
    private long _blobs;
    private long _tags;
    private TestImage? _layeredImage;

    public LoadTestRun(LoadTestSettings settings)
    {
        Settings = settings;
        // A few connections beyond the most requests ever in flight: a step's clients never queue for one.
        Client = new RegistryClient(settings.Registry, settings.MaxConcurrency() + 16);
        Data = new RandomData(Seed);
    }

    public LoadTestSettings Settings { get; }

    public RegistryClient Client { get; }

    public RandomData Data { get; }

    public IReadOnlyList<StepResult> Results => _results;

    public string Repository(string name) => $"{Settings.RepositoryPrefix}/{name}";

    public Blob FixtureBlob(Fixture fixture, long index, long length) => Data.Create(length, (ulong)fixture, (ulong)index);

    /// <summary>A blob no registry has seen: this run's stream, the next index.</summary>
    public Blob NewBlob(long length) => Data.Create(length, _stream, (ulong)Interlocked.Increment(ref _blobs));

    /// <summary>A tag this run has not used yet.</summary>
    public string NewTag() => string.Create(CultureInfo.InvariantCulture, $"t{_stream:x16}-{Interlocked.Increment(ref _tags)}");

    public void Add(StepResult result)
    {
        _results.Add(result);
        Report.PrintStep(result);
    }

    /// <summary>
    /// Runs a workload's setup; when it fails, records a failed "setup" step and returns false, so the workload's
    /// steps are skipped and the run goes on with the next workload.
    /// </summary>
    public async Task<bool> SetupAsync(Workload workload, string what, Func<StepRecorder, CancellationToken, Task> setup, CancellationToken cancellationToken)
    {
        var recorder = new StepRecorder("setup");
        recorder.Start();
        try
        {
            await LiveStatus.ShowAsync($"{Report.Name(workload)}: {what}", [recorder], setup(recorder, cancellationToken));
            recorder.Stop();
            Report.PrintSetup(workload, what, recorder.Elapsed);
            return true;
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            recorder.Failed(ex);
            recorder.Stop();
            Add(recorder.Result(workload, $"setup: {what}", 1, "setup"));
            return false;
        }
    }

    /// <summary>The image the image and mixed workloads pull (pushed once per run), or null if its push failed.</summary>
    public async Task<TestImage?> LayeredImageAsync(Workload workload, CancellationToken cancellationToken)
    {
        if (_layeredImage is not null)
        {
            return _layeredImage;
        }

        var layers = new Blob[Settings.ImageLayers];
        for (var i = 0; i < layers.Length; i++)
        {
            layers[i] = FixtureBlob(Fixture.ImageLayer, i, Settings.LayerSize);
        }

        var image = new TestImage(Client, Repository("image"), "latest", layers);
        var what = $"push the {layers.Length}-layer image ({Units.FormatSize(Settings.LayerSize)} layers)";
        if (!await SetupAsync(workload, what, (recorder, token) => image.PushAsync(Client, Settings.LayerParallelism, recorder, token), cancellationToken))
        {
            return null;
        }

        _layeredImage = image;
        return image;
    }

    public void Dispose()
    {
        Client.Dispose();
        Data.Dispose();
    }
}
