namespace Speedy.Index.Store;

/// <summary>Times are stored as microseconds since the Unix epoch (UTC) in a 64-bit integer, in every backend.</summary>
internal static class StoredTime
{
    public static long From(DateTimeOffset time) => (time.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;

    public static object FromOrNull(DateTimeOffset? time) => time is { } value ? From(value) : DBNull.Value;

    public static DateTimeOffset To(long microseconds) =>
        DateTimeOffset.UnixEpoch.AddTicks(microseconds * TimeSpan.TicksPerMicrosecond);
}
