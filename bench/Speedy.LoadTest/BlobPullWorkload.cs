using System.Security.Cryptography;

namespace Speedy.LoadTest;

/// <summary>
/// Blob pull: one blob of each size, then for each size and client count the clients GET it over and over. Every
/// body is read through the client's own 1 MiB buffer and its length checked; each client checks the SHA-256 of its
/// first body (and of the next, until one passes).
/// </summary>
internal static class BlobPullWorkload
{
    private const int ReadBufferBytes = 1024 * 1024;

    public static async Task RunAsync(LoadTestRun run, CancellationToken cancellationToken)
    {
        var settings = run.Settings;
        var repository = run.Repository("pull");
        var blobs = settings.PullSizes.Select(size => run.FixtureBlob(Fixture.PullBlob, size, size)).ToArray();
        var what = $"push and check blobs of {string.Join(", ", settings.PullSizes.Select(Units.FormatSize))}";
        var seeded = await run.SetupAsync(Workload.Pull, what, async (recorder, token) =>
        {
            var buffer = new byte[ReadBufferBytes];
            foreach (var blob in blobs)
            {
                await run.Client.PushMonolithicAsync(repository, blob, recorder, token);
                using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
                await run.Client.GetBlobAsync(run.Client.BlobUri(repository, blob.Digest), blob.Length, blob.Sha256, buffer, hash, recorder, token);
            }
        }, cancellationToken);
        if (!seeded)
        {
            return;
        }

        foreach (var blob in blobs)
        {
            var uri = run.Client.BlobUri(repository, blob.Digest);
            var step = $"GET {Units.FormatSize(blob.Length)}";
            foreach (var clients in settings.PullClients)
            {
                var recorder = new StepRecorder(step);
                var group = new ClientGroup(recorder, clients, _ => Client(run.Client, uri, blob, recorder));
                await StepRunner.RunTimedAsync($"pull: {step} × {clients} clients", settings.Duration, [group], cancellationToken);
                run.Add(recorder.Result(Workload.Pull, step, clients, "blob GET"));
            }
        }
    }

    private static Func<CancellationToken, Task> Client(RegistryClient client, Uri uri, Blob blob, StepRecorder recorder)
    {
        var buffer = new byte[ReadBufferBytes];
        var verified = false;
        return async cancellationToken =>
        {
            if (verified)
            {
                await client.GetBlobAsync(uri, blob.Length, blob.Sha256, buffer, null, recorder, cancellationToken);
                return;
            }

            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await client.GetBlobAsync(uri, blob.Length, blob.Sha256, buffer, hash, recorder, cancellationToken);
            verified = true;
        };
    }
}
