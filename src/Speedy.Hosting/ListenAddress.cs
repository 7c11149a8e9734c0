using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;

namespace Speedy.Hosting;

/// <summary>
/// Parses <c>host:port</c>: an IPv4 address, <c>[IPv6]</c>, <c>localhost</c> for the IPv4 loopback, or <c>*</c> for
/// every interface.
/// </summary>
public static class ListenAddress
{
    /// <summary>Parses <paramref name="value"/>, or returns <see langword="false"/> if it is not <c>host:port</c>.</summary>
    public static bool TryParse([NotNullWhen(true)] string? value, [NotNullWhen(true)] out IPEndPoint? endPoint)
    {
        endPoint = TrySplit(value, out var host, out var port) && TryParseHost(host, out var address)
            ? new IPEndPoint(address, port)
            : null;
        return endPoint is not null;
    }

    /// <summary>Parses <paramref name="value"/>, saying in the <see cref="FormatException"/> which part is wrong.</summary>
    /// <exception cref="FormatException">It is not <c>host:port</c>.</exception>
    public static IPEndPoint Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!TrySplit(value, out var host, out var port))
        {
            throw new FormatException($"listen address \"{value}\" is not host:port");
        }

        return TryParseHost(host, out var address)
            ? new IPEndPoint(address, port)
            : throw new FormatException($"listen host \"{host.Trim('[', ']')}\" is not an IP address");
    }

    /// <summary>Parses the value of a role's <c>--listen</c> flag.</summary>
    /// <param name="listen">The value.</param>
    /// <param name="example">An address the error message shows, e.g. the role's default.</param>
    /// <exception cref="ArgumentException">It is not <c>host:port</c>; the message names the flag.</exception>
    public static IPEndPoint ParseFlag(string listen, string example)
    {
        ArgumentNullException.ThrowIfNull(listen);
        return TryParse(listen, out var endPoint)
            ? endPoint
            : throw new ArgumentException($"the listen address \"{listen}\" is not ip:port, e.g. {example} (--listen)");
    }

    private static bool TrySplit([NotNullWhen(true)] string? value, out string host, out int port)
    {
        var colon = value is null ? -1 : value.LastIndexOf(':');
        if (colon > 0
            && int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out port)
            && port <= IPEndPoint.MaxPort)
        {
            host = value![..colon];
            return true;
        }

        host = string.Empty;
        port = 0;
        return false;
    }

    private static bool TryParseHost(string host, [NotNullWhen(true)] out IPAddress? address)
    {
        if (host == "*")
        {
            address = IPAddress.Any;
            return true;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            address = IPAddress.Loopback;
            return true;
        }

        return IPAddress.TryParse(host.StartsWith('[') && host.EndsWith(']') ? host[1..^1] : host, out address);
    }
}
