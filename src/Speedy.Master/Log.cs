using Microsoft.Extensions.Logging;

namespace Speedy.Master;

/// <summary>The master's (and its client's) log messages, source-generated.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "master {Index} (instance {Instance}) started")]
    public static partial void Started(ILogger logger, int index, string instance);

    [LoggerMessage(2, LogLevel.Information, "member {Url} of group {Group} joined")]
    public static partial void MemberJoined(ILogger logger, string url, uint group);

    [LoggerMessage(3, LogLevel.Information, "member {Url} of group {Group} reports again after {Seconds:0.0} s")]
    public static partial void MemberReturned(ILogger logger, string url, uint group, double seconds);

    [LoggerMessage(4, LogLevel.Warning, "member {Url} of group {Existing} reported group {Reported}; refused")]
    public static partial void GroupConflict(ILogger logger, string url, uint existing, uint reported);

    [LoggerMessage(5, LogLevel.Information, "group {Group} forgotten: no member reported for {Seconds:0} s")]
    public static partial void GroupForgotten(ILogger logger, uint group, double seconds);

    [LoggerMessage(6, LogLevel.Warning, "master {Master} did not answer: {Message}")]
    public static partial void MasterUnreachable(ILogger logger, Uri master, string message);

    [LoggerMessage(7, LogLevel.Information, "member {Url} of group {Group} replaced by {Replacement}, which finished syncing; forgotten")]
    public static partial void MemberReplaced(ILogger logger, string url, uint group, string replacement);

    [LoggerMessage(8, LogLevel.Warning, "member {Url} of group {Group} reported, but {Replacement} replaced it; refused")]
    public static partial void ReplacedMemberRefused(ILogger logger, string url, uint group, string replacement);

    [LoggerMessage(9, LogLevel.Information, "member {Url} of group {Group} removed by an operator")]
    public static partial void MemberRemoved(ILogger logger, string url, uint group);
}
