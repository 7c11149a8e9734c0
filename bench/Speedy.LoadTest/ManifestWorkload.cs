namespace Speedy.LoadTest;

/// <summary>
/// Manifest requests: a small image (config, one layer, OCI manifest) under a tag, then for each method (HEAD, GET)
/// and client count the clients ask for the manifest by tag over and over. Every answer is checked: 200, the digest
/// in <c>Docker-Content-Digest</c>, the length, and for GET the exact bytes pushed.
/// </summary>
internal static class ManifestWorkload
{
    private const long LayerBytes = 4096;

    public static async Task RunAsync(LoadTestRun run, CancellationToken cancellationToken)
    {
        var settings = run.Settings;
        var image = new TestImage(run.Client, run.Repository("manifest"), "small", [run.FixtureBlob(Fixture.ManifestLayer, 0, LayerBytes)]);
        var pushed = await run.SetupAsync(Workload.Manifest, "push a small image", (recorder, token) => image.PushAsync(run.Client, 1, recorder, token), cancellationToken);
        if (!pushed)
        {
            return;
        }

        foreach (var get in (bool[])[false, true])
        {
            var step = get ? "GET by tag" : "HEAD by tag";
            foreach (var clients in settings.ManifestClients)
            {
                var recorder = new StepRecorder(step);
                var group = new ClientGroup(recorder, clients, _ => get ? Getter(run.Client, image, recorder) : Header(run.Client, image, recorder));
                await StepRunner.RunTimedAsync($"manifest: {step} × {clients} clients", settings.Duration, [group], cancellationToken);
                run.Add(recorder.Result(Workload.Manifest, step, clients, get ? "manifest GET" : "manifest HEAD"));
            }
        }
    }

    private static Func<CancellationToken, Task> Header(RegistryClient client, TestImage image, StepRecorder recorder) =>
        cancellationToken => client.HeadManifestAsync(image.ManifestUri, image.ManifestDigest, image.Manifest.Length, recorder, cancellationToken);

    private static Func<CancellationToken, Task> Getter(RegistryClient client, TestImage image, StepRecorder recorder)
    {
        var buffer = new byte[image.Manifest.Length + 1];
        return cancellationToken => client.GetManifestAsync(image.ManifestUri, image.Manifest, image.ManifestDigest, buffer, recorder, cancellationToken);
    }
}
