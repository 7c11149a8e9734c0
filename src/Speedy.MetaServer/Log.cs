using Microsoft.Extensions.Logging;

namespace Speedy.MetaServer;

/// <summary>The meta server's log messages, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "{Method} {Path}: the client went away")]
    public static partial void ClientAborted(ILogger logger, string method, string path);

    [LoggerMessage(2, LogLevel.Error, "{Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "meta server serving {Store}")]
    public static partial void Serving(ILogger logger, string store);

    [LoggerMessage(4, LogLevel.Warning, "meta server {Server} failed ({Message}); trying the next one")]
    public static partial void FailingOver(ILogger logger, Uri server, string message);
}
