using System.Globalization;

namespace Speedy.LoadTest;

/// <summary>
/// The command line's sizes (<c>1MiB</c>, <c>512KiB</c>, <c>4096</c>; binary units) and durations (<c>10s</c>,
/// <c>500ms</c>, <c>2m</c>; a bare number is seconds), and their short forms in step names.
/// </summary>
internal static class Units
{
    public const long KiB = 1024;
    public const long MiB = 1024 * KiB;

    public static bool TryParseSize(string text, out long bytes)
    {
        var trimmed = text.Trim();
        var split = 0;
        while (split < trimmed.Length && (char.IsAsciiDigit(trimmed[split]) || trimmed[split] == '.'))
        {
            split++;
        }

        long multiplier = trimmed[split..].Trim().ToUpperInvariant() switch
        {
            "" or "B" => 1,
            "K" or "KIB" => KiB,
            "M" or "MIB" => MiB,
            "G" or "GIB" => 1024 * MiB,
            _ => 0,
        };
        bytes = 0;
        if (multiplier == 0 || !double.TryParse(trimmed[..split], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            return false;
        }

        bytes = (long)(value * multiplier);
        return bytes > 0;
    }

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        var trimmed = text.Trim();
        var (number, scale) = trimmed switch
        {
            _ when trimmed.EndsWith("ms", StringComparison.OrdinalIgnoreCase) => (trimmed[..^2], 0.001),
            _ when trimmed.EndsWith('s') => (trimmed[..^1], 1.0),
            _ when trimmed.EndsWith('m') => (trimmed[..^1], 60.0),
            _ => (trimmed, 1.0),
        };
        duration = TimeSpan.Zero;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) || value <= 0)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * scale);
        return true;
    }

    /// <summary><c>1 MiB</c>, <c>64 KiB</c>, <c>1.5 MiB</c>, <c>700 B</c>.</summary>
    public static string FormatSize(long bytes) => bytes switch
    {
        >= MiB => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)MiB:0.##} MiB"),
        >= KiB => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)KiB:0.##} KiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} B"),
    };

    public static string FormatDuration(TimeSpan duration) => duration.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{duration.TotalSeconds:0.##}s")
        : string.Create(CultureInfo.InvariantCulture, $"{duration.TotalMilliseconds:0}ms");
}
