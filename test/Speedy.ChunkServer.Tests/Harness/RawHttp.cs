using System.Net.Sockets;
using System.Text;

namespace Speedy.ChunkServer.Tests.Harness;

/// <summary>HTTP/1.1 over a bare socket, for requests no well-behaved client sends (lying lengths, bad headers).</summary>
public static class RawHttp
{
    /// <summary>
    /// Sends <paramref name="head"/> (request line and headers, without the blank line) and <paramref name="body"/>
    /// and returns the response's status code as soon as its headers arrive; null if the server closed the connection
    /// without answering. With <paramref name="closeAfterBody"/> the client then shuts its side down, which is how a
    /// body ends early (Kestrel takes that as the client going away).
    /// </summary>
    public static async Task<int?> SendAsync(Uri server, string head, byte[] body, bool closeAfterBody, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(server.Host, server.Port, cancellationToken);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head + "\r\nHost: test\r\nConnection: close\r\n\r\n"), cancellationToken);
        try
        {
            await stream.WriteAsync(body, cancellationToken);
        }
        catch (IOException)
        {
            // The server answered and closed before taking the whole body; its answer is still there to read.
        }

        if (closeAfterBody)
        {
            client.Client.Shutdown(SocketShutdown.Send);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        var response = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int n;
            while (!response.ToString().Contains("\r\n\r\n", StringComparison.Ordinal) && (n = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                response.Append(Encoding.ASCII.GetString(buffer, 0, n));
            }
        }
        catch (IOException)
        {
            // A reset after (or instead of) the answer: what was read so far is the answer.
        }

        var text = response.ToString();
        if (!text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || text.Length < 12)
        {
            return null;
        }

        return int.Parse(text.AsSpan(9, 3), System.Globalization.CultureInfo.InvariantCulture);
    }
}
