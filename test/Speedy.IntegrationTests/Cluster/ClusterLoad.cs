namespace Speedy.IntegrationTests.Cluster;

/// <summary>Concurrent client operations, counted as they finish, so a test can strike while some are still running.</summary>
public sealed class ClusterLoad
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(100);

    private readonly List<(string Name, Task<SkopeoCopy> Task)> _operations = [];
    private int _finished;

    public int Count => _operations.Count;

    public int Finished => Volatile.Read(ref _finished);

    /// <summary>Starts <paramref name="operation"/> now.</summary>
    public void Start(string name, Func<Task<SkopeoCopy>> operation) => _operations.Add((name, RunAsync(operation)));

    /// <summary>
    /// Polls <paramref name="ready"/> until it holds (true) or every operation has finished (false): the moment to
    /// strike while the load is under way.
    /// </summary>
    public async Task<bool> WaitUntilAsync(Func<Task<bool>> ready, CancellationToken cancellationToken)
    {
        while (Finished < Count)
        {
            if (await ready())
            {
                return true;
            }

            await Task.Delay(s_pollInterval, cancellationToken);
        }

        return false;
    }

    /// <summary>Waits for every operation; the copies of those that succeeded, and one line per failure.</summary>
    public async Task<(IReadOnlyList<SkopeoCopy> Succeeded, IReadOnlyList<string> Failures)> CompleteAsync()
    {
        var succeeded = new List<SkopeoCopy>();
        var failures = new List<string>();
        foreach (var (name, task) in _operations)
        {
            try
            {
                succeeded.Add(await task);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                failures.Add($"{name}: {e.Message}");
            }
        }

        return (succeeded, failures);
    }

    private async Task<SkopeoCopy> RunAsync(Func<Task<SkopeoCopy>> operation)
    {
        try
        {
            return await operation();
        }
        finally
        {
            Interlocked.Increment(ref _finished);
        }
    }
}
