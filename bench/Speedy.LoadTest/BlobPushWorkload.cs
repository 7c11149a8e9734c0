namespace Speedy.LoadTest;

/// <summary>
/// Blob push: for each way (monolithic, chunked) and client count, the clients push blobs over and over, each a new
/// blob no registry has, so nothing is skipped as already stored. The registry checks the digest (the final
/// <c>PUT</c> carries <c>?digest=</c>); the client checks for 201 and the digest in <c>Docker-Content-Digest</c>.
/// </summary>
internal static class BlobPushWorkload
{
    public static async Task RunAsync(LoadTestRun run, CancellationToken cancellationToken)
    {
        var settings = run.Settings;
        var repository = run.Repository("push");
        var size = Units.FormatSize(settings.PushSize);
        run.Data.Prepare(settings.PushSize);
        foreach (var chunked in (bool[])[false, true])
        {
            var step = chunked ? $"chunked {size} in {Units.FormatSize(settings.ChunkSize)}" : $"monolithic {size}";
            foreach (var clients in settings.PushClients)
            {
                var recorder = new StepRecorder(step);
                var group = new ClientGroup(recorder, clients, _ => cancellationToken => chunked
                    ? run.Client.PushChunkedAsync(repository, run.NewBlob(settings.PushSize), settings.ChunkSize, recorder, cancellationToken)
                    : run.Client.PushMonolithicAsync(repository, run.NewBlob(settings.PushSize), recorder, cancellationToken));
                await StepRunner.RunTimedAsync($"push: {step} × {clients} clients", settings.Duration, [group], cancellationToken);
                run.Add(recorder.Result(Workload.Push, step, clients, "blob push"));
            }
        }
    }
}
