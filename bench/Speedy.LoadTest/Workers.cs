namespace Speedy.LoadTest;

/// <summary>Runs items on a few workers at once, as a client fetches or pushes an image's layers.</summary>
internal static class Workers
{
    /// <summary>Calls <paramref name="body"/>(worker, item) for items 0 … <paramref name="count"/> − 1, at most <paramref name="parallelism"/> at a time.</summary>
    public static async Task ForEachAsync(int count, int parallelism, Func<int, int, Task> body)
    {
        var next = -1;
        var workers = new Task[Math.Min(parallelism, count)];
        for (var worker = 0; worker < workers.Length; worker++)
        {
            workers[worker] = RunAsync(worker);
        }

        await Task.WhenAll(workers);

        async Task RunAsync(int worker)
        {
            int item;
            while ((item = Interlocked.Increment(ref next)) < count)
            {
                await body(worker, item);
            }
        }
    }
}
