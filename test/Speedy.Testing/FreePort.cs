using System.Net;
using System.Net.Sockets;

namespace Speedy.Testing;

/// <summary>Finds a loopback TCP port that is free right now by binding port 0.</summary>
public static class FreePort
{
    private const int Attempts = 3;

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

    /// <summary>
    /// Runs <paramref name="startAsync"/> with a free port. Binding port 0 and closing it leaves a short race with
    /// other processes, so when the start fails saying the address is in use, it tries again on another port.
    /// </summary>
    public static async Task<T> StartOnFreePortAsync<T>(Func<int, Task<T>> startAsync, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(startAsync);
        for (var attempt = 1; ; attempt++)
        {
            var port = Next();
            try
            {
                return await startAsync(port).ConfigureAwait(false);
            }
            catch (SpeedyStartException e) when (attempt < Attempts && e.AddressInUse)
            {
                log?.Invoke($"Port {port} was taken before speedy bound it; retrying on another port.");
            }
        }
    }
}
