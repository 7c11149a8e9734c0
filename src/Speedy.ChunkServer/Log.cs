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

    [LoggerMessage(7, LogLevel.Warning, "master {Master} refused the heartbeat with {Status}: {Message}")]
    public static partial void HeartbeatRefused(ILogger logger, string master, int status, string message);

    [LoggerMessage(8, LogLevel.Warning, "needle {Fid} is corrupt ({Problem}); repairing it from a replica")]
    public static partial void CorruptNeedle(ILogger logger, string fid, string problem);

    [LoggerMessage(9, LogLevel.Information, "needle {Fid} repaired with the copy from {Peer}")]
    public static partial void NeedleRepaired(ILogger logger, string fid, string peer);

    [LoggerMessage(10, LogLevel.Error, "needle {Fid} could not be repaired: {Reason}")]
    public static partial void RepairFailed(ILogger logger, string fid, string reason);

    [LoggerMessage(11, LogLevel.Debug, "needle {Fid} needs no repair: {Reason}")]
    public static partial void RepairNotNeeded(ILogger logger, string fid, string reason);

    [LoggerMessage(12, LogLevel.Warning, "scrub of volume {Volume} found {Problem} at offset {Offset}, not repaired: {Reason}")]
    public static partial void ScrubFindingNotRepaired(ILogger logger, uint volume, long offset, string problem, string reason);

    [LoggerMessage(13, LogLevel.Information, "syncing: copying the volumes of group {Group} before taking reads or writes (replacing {Replaces})")]
    public static partial void SyncStarted(ILogger logger, uint group, string replaces);

    [LoggerMessage(14, LogLevel.Information, "waiting for a member of group {Group} that takes reads, to copy from")]
    public static partial void SyncWaiting(ILogger logger, uint group);

    [LoggerMessage(15, LogLevel.Warning, "copying the group's volumes from {Peer} failed; starting over")]
    public static partial void SyncFailed(ILogger logger, string peer, Exception exception);

    [LoggerMessage(16, LogLevel.Information, "volume {Volume} copied from {Peer} and verified: {Needles} needle(s)")]
    public static partial void VolumeCopied(ILogger logger, uint volume, int needles, string peer);

    [LoggerMessage(17, LogLevel.Information, "the copy of group {Group} is verified ({Volumes} volume(s), {Needles} needle(s)): taking reads and writes")]
    public static partial void SyncFinished(ILogger logger, uint group, int volumes, long needles);
}
