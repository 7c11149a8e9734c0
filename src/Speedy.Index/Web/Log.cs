using Microsoft.Extensions.Logging;

namespace Speedy.Index.Web;

/// <summary>The web UI's log messages, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(101, LogLevel.Error, "web page {Method} {Path} failed")]
    public static partial void PageFailed(ILogger logger, string method, string path, Exception exception);
}
