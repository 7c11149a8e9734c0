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
}
