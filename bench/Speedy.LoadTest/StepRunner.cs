using System.Diagnostics;

namespace Speedy.LoadTest;

/// <summary>Runs a step's clients, for a fixed time or for one operation each, with the live status on screen.</summary>
internal static class StepRunner
{
    // After a failure a client waits a little, so a registry that refuses everything does not become a busy loop.
    private static readonly TimeSpan s_pauseAfterFailure = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// Every group's clients repeat their operation for <paramref name="duration"/>, and longer if need be until every
    /// client has finished one (so a step of large blobs and many clients still times whole operations); then the step
    /// stops and the operations in flight are cancelled (abandoned, neither completed nor failed; their bytes so far
    /// count).
    /// </summary>
    public static async Task RunTimedAsync(string title, TimeSpan duration, IReadOnlyList<ClientGroup> groups, CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clients = new List<Task>();
        var firsts = new List<Task>();
        foreach (var group in groups)
        {
            group.Recorder.Start();
            for (var i = 0; i < group.Clients; i++)
            {
                var operation = group.CreateClient(i);
                var first = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                firsts.Add(first.Task);
                clients.Add(Task.Run(() => RepeatAsync(group.Recorder, operation, first, stop.Token), CancellationToken.None));
            }
        }

        try
        {
            var done = Task.WhenAll(Task.Delay(duration, cancellationToken), Task.WhenAll(firsts).WaitAsync(cancellationToken));
            await LiveStatus.ShowAsync(title, [.. groups.Select(group => group.Recorder)], done);
        }
        finally
        {
            foreach (var group in groups)
            {
                group.Recorder.Stop();
            }

            await stop.CancelAsync();
            await Task.WhenAll(clients);
        }
    }

    /// <summary>Each client runs its operation once; the step lasts until the last one is done.</summary>
    public static async Task RunOnceEachAsync(string title, ClientGroup group, CancellationToken cancellationToken)
    {
        group.Recorder.Start();
        var clients = new Task[group.Clients];
        for (var i = 0; i < clients.Length; i++)
        {
            var operation = group.CreateClient(i);
            clients[i] = Task.Run(() => RunOnceAsync(group.Recorder, operation, cancellationToken), CancellationToken.None);
        }

        try
        {
            await LiveStatus.ShowAsync(title, [group.Recorder], Task.WhenAll(clients));
        }
        finally
        {
            group.Recorder.Stop();
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <summary>Runs the operation until <paramref name="stop"/>; <paramref name="first"/> completes when the first one ends.</summary>
    private static async Task RepeatAsync(StepRecorder recorder, Func<CancellationToken, Task> operation, TaskCompletionSource first, CancellationToken stop)
    {
        var samples = recorder.AddClient();
        while (!stop.IsCancellationRequested)
        {
            var start = Stopwatch.GetTimestamp();
            try
            {
                await operation(stop);
                recorder.Completed(samples, start);
            }
            catch (Exception) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                recorder.Failed(ex);
                await Task.Delay(s_pauseAfterFailure, CancellationToken.None);
            }

            first.TrySetResult();
        }
    }

    private static async Task RunOnceAsync(StepRecorder recorder, Func<CancellationToken, Task> operation, CancellationToken cancellationToken)
    {
        var samples = recorder.AddClient();
        var start = Stopwatch.GetTimestamp();
        try
        {
            await operation(cancellationToken);
            recorder.Completed(samples, start);
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // Interrupted: the caller reports the run as such.
        }
        catch (Exception ex)
        {
            recorder.Failed(ex);
        }
    }
}
