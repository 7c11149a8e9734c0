namespace Speedy.LoadTest;

/// <summary>
/// A mixed day: for the step's duration, pushers push new small images under new tags (each layer HEAD then upload,
/// the config, the manifest) while pullers pull the layered image over and over. Two results: the pushes (an
/// operation is an image push) and the pulls (an operation is an image pull).
/// </summary>
internal static class MixedWorkload
{
    public static async Task RunAsync(LoadTestRun run, CancellationToken cancellationToken)
    {
        var settings = run.Settings;
        if (await run.LayeredImageAsync(Workload.Mixed, cancellationToken) is not { } image)
        {
            return;
        }

        var repository = run.Repository("mixed");
        run.Data.Prepare(settings.MixedPushLayerSize);
        var pushStep = $"push {settings.MixedPushLayers}×{Units.FormatSize(settings.MixedPushLayerSize)} images";
        var pullStep = $"pull {image.Layers.Count}×{Units.FormatSize(settings.LayerSize)} image";
        var pushes = new StepRecorder("push");
        var pulls = new StepRecorder("pull");
        var pushers = new ClientGroup(pushes, settings.MixedPushers, _ => cancellationToken =>
        {
            var layers = new Blob[settings.MixedPushLayers];
            for (var i = 0; i < layers.Length; i++)
            {
                layers[i] = run.NewBlob(settings.MixedPushLayerSize);
            }

            return new TestImage(run.Client, repository, run.NewTag(), layers).PushAsync(run.Client, settings.LayerParallelism, pushes, cancellationToken);
        });
        var pullers = new ClientGroup(pulls, settings.MixedPullers, _ => new ImagePuller(run.Client, image, settings.LayerParallelism, pulls).PullAsync);
        var title = $"mixed: {settings.MixedPushers} pushers, {settings.MixedPullers} pullers";
        await StepRunner.RunTimedAsync(title, settings.Duration, [pushers, pullers], cancellationToken);
        run.Add(pushes.Result(Workload.Mixed, pushStep, settings.MixedPushers, "image push"));
        run.Add(pulls.Result(Workload.Mixed, pullStep, settings.MixedPullers, "image pull"));
    }
}
