using Microsoft.Extensions.Logging;

namespace Speedy.ImageServer;

/// <summary>The image server's log messages, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Warning, "upload of {Fid} to group {Group} failed, trying another group: {Reason}")]
    public static partial void UploadAttemptFailed(ILogger logger, string fid, uint group, string reason);

    [LoggerMessage(4, LogLevel.Information, "volume {Volume} of group {Group} is full; the upload goes to another volume")]
    public static partial void VolumeFull(ILogger logger, uint volume, uint group);

    [LoggerMessage(2, LogLevel.Warning, "read of {Fid} from {Replica} failed, trying another replica: {Reason}")]
    public static partial void ReplicaReadFailed(ILogger logger, string fid, string replica, string reason);

    [LoggerMessage(3, LogLevel.Information, "image server listening on {Listen}")]
    public static partial void Started(ILogger logger, string listen);
}
