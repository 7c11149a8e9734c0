using Microsoft.Extensions.Logging;

namespace Speedy.Index;

/// <summary>The index's log messages, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Error, "{Method} {Path} failed")]
    public static partial void RequestFailed(ILogger logger, string method, string path, Exception exception);

    [LoggerMessage(2, LogLevel.Information, "index serving {Store}, signing with key {KeyId}")]
    public static partial void Serving(ILogger logger, string store, string keyId);

    [LoggerMessage(3, LogLevel.Warning, "registry events could not be written ({Count} kept for the next try)")]
    public static partial void EventsFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(4, LogLevel.Warning, "signing key maintenance failed")]
    public static partial void KeyMaintenanceFailed(ILogger logger, Exception exception);

    [LoggerMessage(5, LogLevel.Information, "signing keys: {Count} published, {KeyId} signs")]
    public static partial void KeysChanged(ILogger logger, int count, string keyId);
}
