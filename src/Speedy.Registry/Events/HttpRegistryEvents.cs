using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Speedy.Registry.Http;

namespace Speedy.Registry.Events;

/// <summary>
/// Forwards the registry's events to a separate index: <c>POST &lt;Events:Url&gt;/events</c> with the shared secret.
/// The request path only queues (a bounded channel; when it is full the event is dropped and counted, with a warning
/// at most once a minute); a loop sends what accumulated within <see cref="BatchWindow"/>, at most
/// <see cref="MaxBatch"/> events a request. While the index is unreachable or answers 5xx (or 408, 429) the batch is
/// kept and sent again with a growing delay, the queue filling meanwhile up to its bound; a batch the index refuses
/// otherwise (401: the wrong secret; 400: a body it cannot read) is logged as an error and dropped, since sending it
/// again would be refused again. Blob deletions are not sent: the index keeps no state about blobs.
/// </summary>
/// <remarks>
/// The last batch is sent once every other hosted service has stopped (<see cref="StoppedAsync"/>), so the events of
/// the requests Kestrel drains at shutdown go out too, within <see cref="FlushTimeout"/>.
/// </remarks>
internal sealed class HttpRegistryEvents : BackgroundService, IRegistryEvents, IHostedLifecycleService
{
    /// <summary>The most events in one request: about 150 KB of JSON, well below the index's 1 MiB limit.</summary>
    public const int MaxBatch = 500;

    public static readonly TimeSpan BatchWindow = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan FirstRetryDelay = TimeSpan.FromSeconds(1);

    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan s_dropWarningInterval = TimeSpan.FromMinutes(1);

    private readonly Channel<IndexEvent> _queue;
    private readonly int _capacity;
    private readonly HttpClient _client;
    private readonly Uri _endpoint;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly TimeProvider _time;
    private readonly ILogger<HttpRegistryEvents> _logger;
    private readonly List<IndexEvent> _batch = new(MaxBatch);
    private readonly ArrayBufferWriter<byte> _body = new(64 << 10);
    private long _dropped;
    private long _delivered;
    private long _refused;
    private long _lastDropWarning = long.MinValue;
    private int _failedAttempts;

    /// <param name="options">Validated options with <see cref="EventsOptions.Url"/> and <see cref="EventsOptions.Secret"/> set.</param>
    /// <param name="client">The client to send with; its timeout bounds one request.</param>
    public HttpRegistryEvents(EventsOptions options, HttpClient client, TimeProvider time, ILogger<HttpRegistryEvents> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _endpoint = options.Endpoint;
        _authorization = new AuthenticationHeaderValue("Bearer", options.Secret ?? throw new InvalidOperationException("forwarding events needs Events:Secret (--events-secret)"));
        _capacity = options.Capacity;
        _client = client;
        _time = time;
        _logger = logger;
        // The request path writes without waiting (TryWrite fails when full) and never runs the loop's continuation.
        _queue = Channel.CreateBounded<IndexEvent>(new BoundedChannelOptions(options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
            AllowSynchronousContinuations = false,
        });
    }

    /// <summary>Events dropped because the queue was full (or the registry was stopping).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Events the index answered 2xx for.</summary>
    public long Delivered => Interlocked.Read(ref _delivered);

    /// <summary>Events in batches the index refused for good (401, 400, …), and so dropped.</summary>
    public long Refused => Interlocked.Read(ref _refused);

    public void ManifestPushed(ManifestPushedEvent pushed)
    {
        ArgumentNullException.ThrowIfNull(pushed);
        Enqueue(new IndexEvent(IndexEvent.Push, pushed.Repository, pushed.Tag, pushed.Digest, pushed.Subject, pushed.Time));
    }

    public void ManifestPulled(ManifestPulledEvent pulled)
    {
        ArgumentNullException.ThrowIfNull(pulled);
        Enqueue(new IndexEvent(IndexEvent.Pull, pulled.Repository, pulled.Reference, pulled.Digest, pulled.Subject, pulled.Time));
    }

    public void ManifestDeleted(ManifestDeletedEvent deleted)
    {
        ArgumentNullException.ThrowIfNull(deleted);
        Enqueue(new IndexEvent(IndexEvent.Delete, deleted.Repository, null, deleted.Digest, deleted.Subject, deleted.Time));
    }

    public void TagDeleted(TagDeletedEvent deleted)
    {
        ArgumentNullException.ThrowIfNull(deleted);
        Enqueue(new IndexEvent(IndexEvent.Delete, deleted.Repository, deleted.Tag, null, deleted.Subject, deleted.Time));
    }

    public void BlobDeleted(BlobDeletedEvent deleted)
    {
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>After the web server drained its requests: sends what is left, for at most <see cref="FlushTimeout"/>.</summary>
    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        if (ExecuteTask is { IsCompleted: false })
        {
            // The loop did not stop in time and still owns the batch; leave it be.
            return;
        }

        using var flush = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        flush.CancelAfter(FlushTimeout);
        try
        {
            while (true)
            {
                Fill();
                if (_batch.Count == 0)
                {
                    return;
                }

                await SendUntilDoneAsync(flush.Token);
            }
        }
        catch (OperationCanceledException)
        {
            var left = _batch.Count;
            while (_queue.Reader.TryRead(out _))
            {
                left++;
            }

            Log.EventsLostOnStop(_logger, left, _endpoint);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (true)
            {
                if (_batch.Count == 0)
                {
                    if (!await _queue.Reader.WaitToReadAsync(stoppingToken))
                    {
                        return;
                    }

                    await GatherAsync(stoppingToken);
                }

                await SendUntilDoneAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The batch in hand stays for StoppedAsync.
        }
        catch (Exception ex)
        {
            // Nothing above throws but cancellation; should something, the registry keeps serving without forwarding.
            Log.EventsLoopFailed(_logger, _endpoint, ex);
        }
    }

    /// <summary>Never blocks and never throws: a full (or closed) queue drops the event.</summary>
    private void Enqueue(in IndexEvent indexEvent)
    {
        if (_queue.Writer.TryWrite(indexEvent))
        {
            return;
        }

        var dropped = Interlocked.Increment(ref _dropped);
        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastDropWarning);
        if ((last == long.MinValue || _time.GetElapsedTime(last, now) >= s_dropWarningInterval) &&
            Interlocked.CompareExchange(ref _lastDropWarning, now, last) == last)
        {
            Log.EventsDropped(_logger, _capacity, dropped);
        }
    }

    /// <summary>Takes what arrives within <see cref="BatchWindow"/> of the first event, up to <see cref="MaxBatch"/>.</summary>
    private async Task GatherAsync(CancellationToken stoppingToken)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        window.CancelAfter(BatchWindow);
        try
        {
            while (Fill() && await _queue.Reader.WaitToReadAsync(window.Token))
            {
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Moves queued events into the batch; false once it is full.</summary>
    private bool Fill()
    {
        while (_batch.Count < MaxBatch && _queue.Reader.TryRead(out var indexEvent))
        {
            _batch.Add(indexEvent);
        }

        return _batch.Count < MaxBatch;
    }

    /// <summary>Sends the batch until the index takes or refuses it, waiting longer after each failure.</summary>
    private async Task SendUntilDoneAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var reason = await SendAsync(cancellationToken);
            if (reason is null)
            {
                if (_failedAttempts > 0)
                {
                    Log.EventsDeliveredAgain(_logger, _endpoint, _failedAttempts + 1);
                    _failedAttempts = 0;
                }

                _batch.Clear();
                return;
            }

            _failedAttempts++;
            var delay = TimeSpan.FromTicks(Math.Min(MaxRetryDelay.Ticks, FirstRetryDelay.Ticks << Math.Min(_failedAttempts - 1, 16)));
            Log.EventsUndelivered(_logger, _batch.Count, _endpoint, _failedAttempts, reason, delay);
            await Task.Delay(delay, _time, cancellationToken);
            // Send what accumulated meanwhile along with the batch, up to the batch size.
            Fill();
        }
    }

    /// <summary>One POST of the batch: null when it is done with (taken, or refused for good), else why to try again.</summary>
    private async Task<string?> SendAsync(CancellationToken cancellationToken)
    {
        var count = _batch.Count;
        WriteBody();
        using var request = new HttpRequestMessage(HttpMethod.Post, _endpoint) { Content = new ReadOnlyMemoryContent(_body.WrittenMemory) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = _authorization;
        try
        {
            using var response = await _client.SendAsync(request, cancellationToken);
            var status = (int)response.StatusCode;
            if (response.IsSuccessStatusCode)
            {
                Interlocked.Add(ref _delivered, count);
                await CheckRejectedAsync(response, count, cancellationToken);
                return null;
            }

            if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            {
                return $"{status} {response.ReasonPhrase}";
            }

            Interlocked.Add(ref _refused, count);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                Log.EventsSecretRefused(_logger, _endpoint, count);
            }
            else
            {
                Log.EventsRefused(_logger, _endpoint, count, status, await ReadSnippetAsync(response, cancellationToken));
            }

            return null;
        }
        catch (HttpRequestException ex)
        {
            return ex.Message;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"no answer within {_client.Timeout.TotalSeconds:0} s";
        }
    }

    /// <summary><c>{"events":[{"action","repository","reference","digest","subject","time"}]}</c>, into the reused buffer.</summary>
    private void WriteBody()
    {
        _body.ResetWrittenCount();
        using var json = new Utf8JsonWriter(_body);
        json.WriteStartObject();
        json.WriteStartArray("events"u8);
        foreach (var indexEvent in _batch)
        {
            json.WriteStartObject();
            json.WriteString("action"u8, indexEvent.Action);
            json.WriteString("repository"u8, indexEvent.Repository);
            var digest = indexEvent.Digest?.ToString();
            if ((indexEvent.Reference ?? digest) is { } reference)
            {
                json.WriteString("reference"u8, reference);
            }

            if (digest is not null)
            {
                json.WriteString("digest"u8, digest);
            }

            if (indexEvent.Subject is not null)
            {
                json.WriteString("subject"u8, indexEvent.Subject);
            }

            json.WriteString("time"u8, indexEvent.Time);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary>The index answers <c>{"accepted","rejected"}</c>; events it rejected (a bad repository name) are gone.</summary>
    private async Task CheckRejectedAsync(HttpResponseMessage response, int count, CancellationToken cancellationToken)
    {
        try
        {
            using var body = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
            if (body.RootElement.ValueKind == JsonValueKind.Object &&
                body.RootElement.TryGetProperty("rejected", out var rejected) && rejected.TryGetInt32(out var number) && number > 0)
            {
                Log.EventsRejected(_logger, _endpoint, number, count);
            }
        }
        catch (Exception ex) when (ex is JsonException or HttpRequestException or IOException)
        {
            // The events were taken; an unreadable answer changes nothing.
        }
    }

    private static async Task<string> ReadSnippetAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return text.Length <= 300 ? text : text[..300];
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return string.Empty;
        }
    }
}
