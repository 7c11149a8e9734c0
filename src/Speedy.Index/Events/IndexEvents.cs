using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Speedy.Index.Store;
using Speedy.Index.Web.Registry;
using Speedy.Registry.Core;

namespace Speedy.Index.Events;

/// <summary>
/// Takes the registry's events without ever blocking it: <see cref="Record"/> only queues. Pushes and deletions are
/// written as they come (a push creates its repository, private, on the first push, and moves its last push; both are
/// audited); pulls are only counted in memory and written every <see cref="IndexOptions.PullFlushInterval"/> as one
/// transaction, so the pull path never costs a database write. What could not be written is kept and tried again.
/// </summary>
public sealed class IndexEvents : BackgroundService
{
    private readonly IIndexStore _store;
    private readonly IndexOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<IndexEvents> _logger;
    private readonly Channel<RegistryEvent> _changes = Channel.CreateUnbounded<RegistryEvent>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<RegistryEvent> _pendingChanges = new();
    private readonly List<PullCount> _pendingPulls = [];
    private readonly SemaphoreSlim _flushLock = new(1, 1);
    private ConcurrentDictionary<string, PullTally> _pulls = new(StringComparer.Ordinal);

    public IndexEvents(IIndexStore store, IndexOptions options, TimeProvider timeProvider, ILogger<IndexEvents> logger)
    {
        _store = store;
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>
    /// Queues an event; false (and nothing queued) when its repository name is not valid. A pull by the web UI itself
    /// (reading a tag page) is not a pull anybody made, and is not counted.
    /// </summary>
    public bool Record(RegistryEvent registryEvent)
    {
        ArgumentNullException.ThrowIfNull(registryEvent);
        if (!RepositoryName.IsValid(registryEvent.Repository) || !Enum.IsDefined(registryEvent.Kind))
        {
            return false;
        }

        if (registryEvent.Kind == RegistryEventKind.Pull && registryEvent.Subject == HttpRegistryBrowser.ReaderSubject)
        {
            return true;
        }

        if (registryEvent.Kind != RegistryEventKind.Pull)
        {
            return _changes.Writer.TryWrite(registryEvent);
        }

        while (true)
        {
            var tally = Volatile.Read(ref _pulls).GetOrAdd(registryEvent.Repository, static _ => new PullTally());
            lock (tally)
            {
                // A tally taken by a flush is closed; count in the new map instead.
                if (tally.Closed)
                {
                    continue;
                }

                tally.Count++;
                if (registryEvent.Time > tally.Last)
                {
                    tally.Last = registryEvent.Time;
                }

                return true;
            }
        }
    }

    /// <summary>Writes everything recorded so far: the queued pushes and deletions, then the counted pulls.</summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        await _flushLock.WaitAsync(cancellationToken);
        try
        {
            await WriteChangesAsync(cancellationToken);
            await WritePullsAsync(cancellationToken);
        }
        finally
        {
            _flushLock.Release();
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.EventsFailed(_logger, _pendingChanges.Count + _pendingPulls.Count, ex);
        }
    }

    public override void Dispose()
    {
        _flushLock.Dispose();
        base.Dispose();
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(ChangeLoopAsync(stoppingToken), PullLoopAsync(stoppingToken));

    private async Task ChangeLoopAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (await _changes.Reader.WaitToReadAsync(stoppingToken))
            {
                await FlushChangesOnlyAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PullLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.PullFlushInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushGuardedAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task FlushChangesOnlyAsync(CancellationToken cancellationToken)
    {
        await _flushLock.WaitAsync(cancellationToken);
        try
        {
            await WriteChangesAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.EventsFailed(_logger, _pendingChanges.Count, ex);
            await Task.Delay(TimeSpan.FromSeconds(1), _timeProvider, cancellationToken);
        }
        finally
        {
            _flushLock.Release();
        }
    }

    private async Task FlushGuardedAsync(CancellationToken cancellationToken)
    {
        try
        {
            await FlushAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.EventsFailed(_logger, _pendingChanges.Count + _pendingPulls.Count, ex);
        }
    }

    /// <summary>Writes queued pushes and deletions in order; one that fails stays at the head for the next try.</summary>
    private async Task WriteChangesAsync(CancellationToken cancellationToken)
    {
        while (_changes.Reader.TryRead(out var change))
        {
            _pendingChanges.Enqueue(change);
        }

        while (_pendingChanges.TryPeek(out var change))
        {
            var target = change.Reference is { Length: > 0 } reference ? $"{change.Repository}:{reference}" : change.Repository;
            if (change.Kind == RegistryEventKind.Push)
            {
                await _store.RecordPushAsync(change.Repository, change.Time, cancellationToken);
            }

            await _store.AppendAuditAsync(
                new AuditRecord(
                    change.Subject ?? string.Empty,
                    change.Kind == RegistryEventKind.Push ? AuditActions.Push : AuditActions.Delete,
                    target,
                    change.Digest ?? string.Empty,
                    Time: change.Time),
                cancellationToken);
            _pendingChanges.Dequeue();
        }
    }

    /// <summary>Takes the counted pulls (closing their tallies) and writes them, with any left from a failed try, in one transaction.</summary>
    private async Task WritePullsAsync(CancellationToken cancellationToken)
    {
        var taken = Interlocked.Exchange(ref _pulls, new ConcurrentDictionary<string, PullTally>(StringComparer.Ordinal));
        foreach (var (repository, tally) in taken)
        {
            lock (tally)
            {
                tally.Closed = true;
                _pendingPulls.Add(new PullCount(repository, tally.Count, tally.Last));
            }
        }

        if (_pendingPulls.Count == 0)
        {
            return;
        }

        await _store.RecordPullsAsync(Merge(_pendingPulls), cancellationToken);
        _pendingPulls.Clear();
    }

    private static List<PullCount> Merge(List<PullCount> pulls) =>
        [.. pulls.GroupBy(pull => pull.Repository, StringComparer.Ordinal)
            .Select(group => new PullCount(group.Key, group.Sum(pull => pull.Count), group.Max(pull => pull.LastPull)))];

    private sealed class PullTally
    {
        public long Count { get; set; }

        public DateTimeOffset Last { get; set; }

        public bool Closed { get; set; }
    }
}
