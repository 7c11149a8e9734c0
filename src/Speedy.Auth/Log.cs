using Microsoft.Extensions.Logging;

namespace Speedy.Auth;

/// <summary>The auth library's log messages, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "fetched {Count} signing keys from {Url}")]
    public static partial void KeysFetched(ILogger logger, Uri url, int count);

    [LoggerMessage(2, LogLevel.Warning, "cannot fetch the signing keys from {Url}; keeping the last good set")]
    public static partial void KeysFetchFailed(ILogger logger, Uri url, Exception exception);

    [LoggerMessage(3, LogLevel.Information, "reloaded {Path}: {Count} users")]
    public static partial void HtpasswdReloaded(ILogger logger, string path, int count);

    [LoggerMessage(4, LogLevel.Warning, "cannot reload {Path}; keeping the users read before")]
    public static partial void HtpasswdReloadFailed(ILogger logger, string path, Exception exception);
}
