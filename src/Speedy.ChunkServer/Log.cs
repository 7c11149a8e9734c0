using Microsoft.Extensions.Logging;

namespace Speedy.ChunkServer;

/// <summary>The chunk server's log messages, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Debug, "{Method} {Path}: the client went away")]
    public static partial void ClientAborted(ILogger logger, string method, string path);

    [LoggerMessage(2, LogLevel.Error, "{Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "heartbeat to master {Master} failed: {Message}")]
    public static partial void HeartbeatFailed(ILogger logger, string master, string message);

    [LoggerMessage(4, LogLevel.Information, "scrubbed volume {Volume}: {Findings} finding(s)")]
    public static partial void Scrubbed(ILogger logger, uint volume, int findings);

    [LoggerMessage(5, LogLevel.Error, "scrub of volume {Volume} failed")]
    public static partial void ScrubFailed(ILogger logger, uint volume, Exception exception);

    [LoggerMessage(6, LogLevel.Information, "chunk server of group {Group} opened {Volumes} volume(s) in {Directories}")]
    public static partial void Opened(ILogger logger, uint group, int volumes, string directories);
}
