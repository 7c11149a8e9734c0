namespace Speedy.LoadTest;

/// <summary>
/// Realistic image pull: the layered image, then every client at once pulls it whole (manifest by tag, config, the
/// layers a few at a time, every length checked). The step lasts until the last pull is done; its percentiles are
/// per-client pull times.
/// </summary>
internal static class ImagePullWorkload
{
    public static async Task RunAsync(LoadTestRun run, CancellationToken cancellationToken)
    {
        var settings = run.Settings;
        if (await run.LayeredImageAsync(Workload.Image, cancellationToken) is not { } image)
        {
            return;
        }

        var step = $"pull {image.Layers.Count}×{Units.FormatSize(settings.LayerSize)}, {settings.LayerParallelism} layers at a time";
        var recorder = new StepRecorder(step);
        var group = new ClientGroup(recorder, settings.ImageClients, _ => new ImagePuller(run.Client, image, settings.LayerParallelism, recorder).PullAsync);
        await StepRunner.RunOnceEachAsync($"image: {step} × {settings.ImageClients} clients", group, cancellationToken);
        run.Add(recorder.Result(Workload.Image, step, settings.ImageClients, "image pull"));
    }
}
