using System.Net;
using System.Net.Sockets;

namespace Speedy.MetaServer.Tests;

/// <summary>Finds a loopback TCP port that is free right now by binding port 0.</summary>
public static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    /// <summary>The URL of a loopback port nothing listens on: connecting to it is refused.</summary>
    public static Uri DeadUrl() => new($"http://127.0.0.1:{Next()}/");
}
