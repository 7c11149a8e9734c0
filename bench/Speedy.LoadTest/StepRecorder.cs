using System.Diagnostics;

namespace Speedy.LoadTest;

/// <summary>
/// The counters of one step, shared by its clients: HTTP requests, body bytes either way, completed operations (a
/// blob GET, a blob push, an image pull, … as the step names it) with their times, failures with the first few
/// messages. <see cref="Stop"/> freezes the rates' counts at the step's end; operations still in flight then are
/// abandoned, not counted.
/// </summary>
internal sealed class StepRecorder(string name)
{
    private const int KeptErrors = 5;

    private readonly List<LatencySamples> _clients = [];
    private readonly List<string> _errors = [];
    private long _requests;
    private long _bytes;
    private long _operations;
    private long _failures;
    private long _startTimestamp;
    private long _stopTimestamp;
    private (long Requests, long Bytes, long Operations) _atStop;

    /// <summary>What the live status calls this step's figures.</summary>
    public string Name { get; } = name;

    public long Requests => Interlocked.Read(ref _requests);

    public long Bytes => Interlocked.Read(ref _bytes);

    public long Failures => Interlocked.Read(ref _failures);

    /// <summary>Time since <see cref="Start"/>, up to <see cref="Stop"/>.</summary>
    public TimeSpan Elapsed => _stopTimestamp != 0 ? Stopwatch.GetElapsedTime(_startTimestamp, _stopTimestamp) : Stopwatch.GetElapsedTime(_startTimestamp);

    public void Start() => _startTimestamp = Stopwatch.GetTimestamp();

    public void Stop()
    {
        _stopTimestamp = Stopwatch.GetTimestamp();
        _atStop = (Requests, Bytes, Interlocked.Read(ref _operations));
    }

    public void AddRequest() => Interlocked.Increment(ref _requests);

    public void AddBytes(long bytes) => Interlocked.Add(ref _bytes, bytes);

    /// <summary>The samples of a new client; that client alone adds to them, the step reads them once it is over.</summary>
    public LatencySamples AddClient()
    {
        var samples = new LatencySamples();
        lock (_clients)
        {
            _clients.Add(samples);
        }

        return samples;
    }

    /// <summary>An operation that started at <paramref name="startTimestamp"/> completed now.</summary>
    public void Completed(LatencySamples samples, long startTimestamp)
    {
        samples.Add(Stopwatch.GetTimestamp() - startTimestamp);
        Interlocked.Increment(ref _operations);
    }

    public void Failed(Exception exception)
    {
        Interlocked.Increment(ref _failures);
        lock (_errors)
        {
            if (_errors.Count < KeptErrors)
            {
                _errors.Add(exception is RegistryException ? exception.Message : $"{exception.GetType().Name}: {exception.Message}");
            }
        }
    }

    /// <summary>The step's figures, once every client has finished.</summary>
    public StepResult Result(Workload workload, string step, int clients, string operation)
    {
        var seconds = Elapsed.TotalSeconds;
        Percentiles latencies;
        lock (_clients)
        {
            latencies = Percentiles.Of(_clients);
        }

        string[] errors;
        lock (_errors)
        {
            errors = [.. _errors];
        }

        var (requests, bytes, operations) = _atStop;
        return new StepResult(
            workload.ToString().ToLowerInvariant(),
            step,
            clients,
            operation,
            Math.Round(seconds, 3),
            requests,
            operations,
            bytes,
            Math.Round(bytes / 1e6 / seconds, 1),
            Math.Round(requests / seconds, 1),
            Math.Round(operations / seconds, 2),
            Round(latencies.P50Ms),
            Round(latencies.P99Ms),
            Round(latencies.MaxMs),
            Failures,
            errors);
    }

    private static double? Round(double? milliseconds) => milliseconds is { } value ? Math.Round(value, 3) : null;
}
