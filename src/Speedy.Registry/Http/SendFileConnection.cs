using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;

namespace Speedy.Registry.Http;

/// <summary>
/// Connection middleware for a plain-HTTP/1.1 endpoint: the connection's output goes through a
/// <see cref="SendFileWriter"/> straight to its socket, and requests find that writer among their features.
/// </summary>
internal static class SendFileConnection
{
    public static ConnectionDelegate Middleware(ConnectionDelegate next) => async connection =>
    {
        if (connection.Features.Get<IConnectionSocketFeature>()?.Socket is not { } socket)
        {
            await next(connection);
            return;
        }

        var transport = connection.Transport;
        var socketStream = new System.Net.Sockets.NetworkStream(socket, ownsSocket: false);
        using var output = new SendFileWriter(socket, PipeWriter.Create(socketStream, new StreamPipeWriterOptions(leaveOpen: true)));
        connection.Transport = new Duplex(transport.Input, output);
        connection.Features.Set(output);
        try
        {
            await next(connection);
        }
        finally
        {
            await output.CompleteAsync();
            await socketStream.DisposeAsync();
            connection.Transport = transport;
            await transport.Output.CompleteAsync();
        }
    };

    private sealed class Duplex(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input => input;

        public PipeWriter Output => output;
    }
}
