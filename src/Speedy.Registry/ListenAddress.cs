using System.Globalization;
using System.Net;

namespace Speedy.Registry;

/// <summary>Parses <c>host:port</c> (IPv4, <c>[IPv6]</c>, <c>localhost</c> or <c>*</c> for every interface).</summary>
public static class ListenAddress
{
    public static IPEndPoint Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw new FormatException($"listen address \"{value}\" is not host:port");
        }

        var host = value[..colon].Trim('[', ']');
        var address = host switch
        {
            "*" or "0.0.0.0" => IPAddress.Any,
            "localhost" => IPAddress.Loopback,
            _ => IPAddress.TryParse(host, out var parsed) ? parsed : throw new FormatException($"listen host \"{host}\" is not an IP address"),
        };
        return new IPEndPoint(address, port);
    }
}
