using Microsoft.Extensions.Logging;

namespace Speedy.Registry.Http;

/// <summary>The registry's log messages, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "{Method} {Path}: the client went away")]
    public static partial void ClientAborted(ILogger logger, string method, string path);

    [LoggerMessage(2, LogLevel.Error, "{Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "storage path {Path} vanished while a request used it")]
    public static partial void UnexpectedMissingPath(ILogger logger, string path, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "error after the response started, aborting the connection: {Message}")]
    public static partial void ErrorAfterResponseStarted(ILogger logger, string message);

    [LoggerMessage(5, LogLevel.Warning, "{Method} {Path}: storage unavailable")]
    public static partial void StorageUnavailable(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "{Method} {Path}: bearer token refused: {Reason}")]
    public static partial void TokenRefused(ILogger logger, string method, string path, string reason);

    [LoggerMessage(7, LogLevel.Information, "{Method} {Path}: Basic credentials refused")]
    public static partial void BasicRefused(ILogger logger, string method, string path);

    [LoggerMessage(8, LogLevel.Warning, "the registry event sink failed on {Event} for {Path}")]
    public static partial void EventSinkFailed(ILogger logger, string @event, string path, Exception exception);

    [LoggerMessage(9, LogLevel.Warning, "the queue of events for the index is full ({Capacity}): {Dropped} events dropped so far")]
    public static partial void EventsDropped(ILogger logger, int capacity, long dropped);

    [LoggerMessage(10, LogLevel.Warning, "cannot deliver {Count} events to {Endpoint} (attempt {Attempt}): {Reason}; trying again in {Delay}")]
    public static partial void EventsUndelivered(ILogger logger, int count, Uri endpoint, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(11, LogLevel.Information, "delivered events to {Endpoint} again after {Attempts} attempts")]
    public static partial void EventsDeliveredAgain(ILogger logger, Uri endpoint, int attempts);

    [LoggerMessage(12, LogLevel.Error, "{Endpoint} refused the events secret (401): {Count} events dropped; --events-secret must be the index's --events-secret")]
    public static partial void EventsSecretRefused(ILogger logger, Uri endpoint, int count);

    [LoggerMessage(13, LogLevel.Error, "{Endpoint} refused a batch of {Count} events with {Status}: {Body}; the batch is dropped")]
    public static partial void EventsRefused(ILogger logger, Uri endpoint, int count, int status, string body);

    [LoggerMessage(14, LogLevel.Warning, "{Endpoint} rejected {Rejected} of {Count} events as malformed")]
    public static partial void EventsRejected(ILogger logger, Uri endpoint, int rejected, int count);

    [LoggerMessage(15, LogLevel.Warning, "stopping with {Count} events not delivered to {Endpoint}")]
    public static partial void EventsLostOnStop(ILogger logger, int count, Uri endpoint);

    [LoggerMessage(16, LogLevel.Error, "forwarding events to {Endpoint} stopped")]
    public static partial void EventsLoopFailed(ILogger logger, Uri endpoint, Exception exception);
}
