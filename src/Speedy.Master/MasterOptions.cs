using System.Globalization;
using Speedy.Hosting;

namespace Speedy.Master;

/// <summary>A master's settings, bound from configuration and validated on start.</summary>
public sealed class MasterOptions
{
    /// <summary>The highest <see cref="Index"/>: six bits of every needle id carry it.</summary>
    public const int MaxIndex = 63;

    /// <summary>Where the role listens unless told otherwise.</summary>
    public const string DefaultListen = "127.0.0.1:9333";

    /// <summary><c>host:port</c> to listen on.</summary>
    public string Listen { get; set; } = DefaultListen;

    /// <summary>This master's number, 0 to 63, distinct among the masters of one store: it is part of every needle id it leases.</summary>
    public int Index { get; set; }

    /// <summary>A member whose last heartbeat is older than this is unhealthy, and its group read-only.</summary>
    public TimeSpan HeartbeatTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A group none of whose members reported for this long is forgotten.</summary>
    public TimeSpan ForgetAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>A member with less free space than this makes its group read-only.</summary>
    public long MinFreeBytes { get; set; } = 1L << 30;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first setting that is out of range.</summary>
    public void Validate()
    {
        ListenAddress.ParseFlag(Listen, DefaultListen);
        if (Index is < 0 or > MaxIndex)
        {
            throw new ArgumentException($"the master index must be between 0 and {MaxIndex} (--index)");
        }

        if (HeartbeatTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("the heartbeat timeout must be positive (--heartbeat-timeout)");
        }

        if (ForgetAfter <= HeartbeatTimeout)
        {
            throw new ArgumentException("ForgetAfter must be longer than the heartbeat timeout (--forget-after)");
        }

        if (MinFreeBytes < 0)
        {
            throw new ArgumentException("MinFreeBytes must not be negative");
        }
    }


    /// <summary>
    /// A duration as a number with a unit (<c>500ms</c>, <c>10s</c>, <c>2m</c>, <c>1h</c>) or as a
    /// <see cref="TimeSpan"/> (<c>00:00:10</c>).
    /// </summary>
    /// <exception cref="FormatException">It is neither, or not positive.</exception>
    public static TimeSpan ParseDuration(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim();
        var (suffix, unit) = trimmed.EndsWith("ms", StringComparison.Ordinal) ? (2, TimeSpan.FromMilliseconds(1))
            : trimmed.EndsWith('s') ? (1, TimeSpan.FromSeconds(1))
            : trimmed.EndsWith('m') ? (1, TimeSpan.FromMinutes(1))
            : trimmed.EndsWith('h') ? (1, TimeSpan.FromHours(1))
            : (0, TimeSpan.Zero);
        TimeSpan duration;
        if (unit != TimeSpan.Zero && double.TryParse(trimmed.AsSpan(0, trimmed.Length - suffix), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var count) && count <= 1e9)
        {
            duration = unit * count;
        }
        else if (!TimeSpan.TryParse(trimmed, CultureInfo.InvariantCulture, out duration))
        {
            throw new FormatException($"\"{text}\" is not a duration such as 500ms, 10s, 2m or 00:00:10");
        }

        return duration > TimeSpan.Zero ? duration : throw new FormatException($"the duration \"{text}\" must be positive");
    }
}
