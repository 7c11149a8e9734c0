using System.Net;
using System.Net.Sockets;

namespace Speedy.Master.Tests.Harness;

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
}
