using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Speedy.Registry.Http;
using Speedy.Registry.Tests.Support;
using Speedy.Testing;

namespace Speedy.Registry.Tests.Http;

/// <summary>The writer over a real loopback socket: the file goes in the region's place, in order, or the connection is shut.</summary>
public sealed class SendFileWriterTests : IDisposable
{
    private readonly TempDirectory _directory = TempDirectory.Create("sendfile");

    [Fact]
    public async Task Region_IsSentFromTheFile_BetweenWhatWasWrittenBeforeAndAfter()
    {
        var content = Oci.RandomBytes(3 * SendFileWriter.ChunkBytes + 12_345, 1);
        const int Offset = 7;
        var length = content.Length - Offset - 100;
        await using var file = WriteFile(content);
        await using var pair = await SocketPair.ConnectAsync();
        var received = pair.ReceiveAllAsync();
        using var writer = Writer(pair.Server);

        await writer.WriteAsync("head"u8.ToArray(), Token);
        writer.BeginFile(file, Offset, length);
        for (var left = length; left > 0;)
        {
            var chunk = Math.Min(SendFileWriter.ChunkBytes, left);
            Assert.True(writer.GetMemory(chunk).Length >= chunk);
            writer.Advance(chunk);
            left -= chunk;
            Assert.False((await writer.FlushAsync(Token)).IsCompleted);
        }

        await writer.WriteAsync("tail"u8.ToArray(), Token);
        await writer.CompleteAsync();
        pair.Server.Shutdown(SocketShutdown.Send);

        byte[] expected = [.. "head"u8, .. content.AsSpan(Offset, length), .. "tail"u8];
        Assert.Equal(expected, await received);
    }

    [Fact]
    public async Task BeginFile_WithUnflushedBytesBeforeIt_Throws()
    {
        await using var file = WriteFile(Oci.RandomBytes(10, 2));
        await using var pair = await SocketPair.ConnectAsync();
        using var writer = Writer(pair.Server);
        writer.Write("head"u8);

        Assert.Throws<InvalidOperationException>(() => writer.BeginFile(file, 0, 10));
    }

    [Fact]
    public async Task Advance_PastTheRegion_Throws()
    {
        await using var file = WriteFile(Oci.RandomBytes(10, 3));
        await using var pair = await SocketPair.ConnectAsync();
        using var writer = Writer(pair.Server);
        writer.BeginFile(file, 0, 10);
        writer.GetMemory(10);

        Assert.Throws<ArgumentOutOfRangeException>(() => writer.Advance(11));
    }

    [Fact]
    public async Task FileShorterThanItsRegion_ShutsTheConnection_AndCompletesTheOutput()
    {
        var content = Oci.RandomBytes(1000, 4);
        await using var file = WriteFile(content);
        await using var pair = await SocketPair.ConnectAsync();
        var received = pair.ReceiveAllAsync();
        using var writer = Writer(pair.Server);

        writer.BeginFile(file, 0, 5000);
        writer.GetMemory(5000);
        writer.Advance(5000);

        Assert.True((await writer.FlushAsync(Token)).IsCompleted);
        Assert.True((await received).Length < 5000, "the client must see the body break off, not a full one");
        Assert.True((await writer.FlushAsync(Token)).IsCompleted);
    }

    public void Dispose() => _directory.Dispose();

    private static CancellationToken Token => Oci.Token;

    /// <summary>The writer as the connection middleware builds it: over the socket's stream, which stays open.</summary>
    private static SendFileWriter Writer(Socket socket) =>
        new(socket, PipeWriter.Create(new NetworkStream(socket), new StreamPipeWriterOptions(leaveOpen: true)));

    private FileStream WriteFile(byte[] content)
    {
        var path = _directory.Combine(Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous);
    }

    /// <summary>Two ends of a loopback TCP connection.</summary>
    private sealed class SocketPair(Socket server, Socket client) : IAsyncDisposable
    {
        public Socket Server => server;

        public static async Task<SocketPair> ConnectAsync()
        {
            using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await client.ConnectAsync(listener.LocalEndPoint!, Token);
            return new SocketPair(await listener.AcceptAsync(Token), client);
        }

        /// <summary>Everything the client end receives until the server end shuts or breaks.</summary>
        public async Task<byte[]> ReceiveAllAsync()
        {
            using var received = new MemoryStream();
            var buffer = new byte[64 << 10];
            try
            {
                int read;
                while ((read = await client.ReceiveAsync(buffer, Token)) > 0)
                {
                    received.Write(buffer, 0, read);
                }
            }
            catch (SocketException)
            {
                // A reset ends the stream as well.
            }

            return received.ToArray();
        }

        public ValueTask DisposeAsync()
        {
            server.Dispose();
            client.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}
