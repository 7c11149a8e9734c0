using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Speedy.Storage;
using Speedy.Testing;

namespace Speedy.Registry.Tests.Support;

/// <summary>
/// A registry behind a real Kestrel on a loopback port, for socket-level tests: on the in-memory driver, or on the
/// filesystem driver in a directory of its own (whose blob GETs are sent with <c>sendfile</c>).
/// </summary>
internal sealed class KestrelRegistry : IAsyncDisposable
{
    private readonly TempDirectory? _data;

    private KestrelRegistry(WebApplication app, IPEndPoint endPoint, LogCapture logs, TempDirectory? data)
    {
        _data = data;
        App = app;
        Logs = logs;
        EndPoint = endPoint;
        Driver = app.Services.GetRequiredService<IStorageDriver>();
        Client = new HttpClient(new SocketsHttpHandler { UseProxy = false, AllowAutoRedirect = false })
        {
            BaseAddress = new Uri($"http://{endPoint}"),
        };
    }

    public WebApplication App { get; }

    public IPEndPoint EndPoint { get; }

    public IStorageDriver Driver { get; }

    public HttpClient Client { get; }

    /// <summary>Errors the registry or Kestrel logged; any fails the test when the registry is disposed.</summary>
    public LogCapture Logs { get; }

    public static async Task<KestrelRegistry> StartAsync(string storage = "memory")
    {
        var logs = new LogCapture();
        var data = storage == "filesystem" ? TempDirectory.Create("kestrel-registry") : null;
        var options = new RegistryOptions { Storage = storage, Listen = "127.0.0.1:0", Data = data?.Path ?? "./data" };
        var app = RegistryHost.Build(options, builder => builder.Logging.AddProvider(logs));
        await app.StartAsync(Oci.Token);
        var addresses = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        var uri = new Uri(Assert.Single(addresses));
        return new KestrelRegistry(app, new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port), logs, data);
    }

    /// <summary>Connects a raw socket to the registry.</summary>
    public async Task<Socket> ConnectAsync()
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(EndPoint, Oci.Token);
        return socket;
    }

    /// <summary>Sends one request as raw bytes on a fresh connection and returns the raw response (head and body) once the server closes or goes quiet.</summary>
    public async Task<RawResponse> SendRawAsync(string head, byte[]? body = null)
    {
        using var socket = await ConnectAsync();
        await socket.SendAsync(Encoding.ASCII.GetBytes(head), Oci.Token);
        if (body is not null)
        {
            await socket.SendAsync(body, Oci.Token);
        }

        return await RawResponse.ReadAsync(socket);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
        _data?.Dispose();
        Logs.AssertNoErrors();
    }
}
