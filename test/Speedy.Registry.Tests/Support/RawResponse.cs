using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Speedy.Registry.Tests.Support;

/// <summary>One HTTP/1.1 response read from a raw socket.</summary>
internal sealed record RawResponse(int Status, string Head, string Body)
{
    /// <summary>Reads one response: the head, then Content-Length bytes of body (or until the server closes).</summary>
    public static async Task<RawResponse> ReadAsync(Socket socket)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Oci.Token);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        var received = new List<byte>();
        var buffer = new byte[8192];
        var headEnd = -1;
        long? contentLength = null;
        while (true)
        {
            if (headEnd < 0)
            {
                headEnd = IndexOf(received, "\r\n\r\n"u8);
                if (headEnd >= 0)
                {
                    contentLength = ContentLength(Encoding.ASCII.GetString([.. received], 0, headEnd));
                }
            }

            if (headEnd >= 0 && contentLength is { } length && received.Count - headEnd - 4 >= length)
            {
                break;
            }

            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, timeout.Token);
            }
            catch (SocketException)
            {
                break;
            }

            if (read == 0)
            {
                break;
            }

            received.AddRange(buffer.AsSpan(0, read));
        }

        var bytes = received.ToArray();
        if (headEnd < 0)
        {
            return new RawResponse(0, Encoding.ASCII.GetString(bytes), string.Empty);
        }

        var head = Encoding.ASCII.GetString(bytes, 0, headEnd);
        var body = Encoding.UTF8.GetString(bytes, headEnd + 4, bytes.Length - headEnd - 4);
        var status = int.Parse(head.AsSpan(9, 3), CultureInfo.InvariantCulture);
        return new RawResponse(status, head, body);
    }

    public string? Header(string name)
    {
        foreach (var line in Head.Split("\r\n"))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line.AsSpan(0, colon).Equals(name, StringComparison.OrdinalIgnoreCase))
            {
                return line[(colon + 1)..].Trim();
            }
        }

        return null;
    }

    private static long? ContentLength(string head)
    {
        foreach (var line in head.Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return long.Parse(line.AsSpan("Content-Length:".Length).Trim(), CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    private static int IndexOf(List<byte> haystack, ReadOnlySpan<byte> needle)
    {
        for (var i = 0; i + needle.Length <= haystack.Count; i++)
        {
            var match = true;
            for (var j = 0; j < needle.Length && match; j++)
            {
                match = haystack[i + j] == needle[j];
            }

            if (match)
            {
                return i;
            }
        }

        return -1;
    }
}
