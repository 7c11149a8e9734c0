using System.IO.Pipelines;
using System.Net.Sockets;

namespace Speedy.Registry.Http;

/// <summary>
/// The output of one plain-HTTP/1.1 connection, written to its socket by this process instead of by Kestrel's socket
/// transport, so that a response body can come straight from a file with <c>sendfile(2)</c>: the page cache goes to
/// the socket without a copy into a buffer of ours and another into the socket.
/// </summary>
/// <remarks>
/// Kestrel still frames every response and counts its body against <c>Content-Length</c>. A blob GET announces a file
/// region (<see cref="BeginFile"/>) once its headers are flushed, then advances Kestrel's body writer over
/// <see cref="ChunkBytes"/> at a time without writing into the memory it gets: the bytes at those positions of the
/// connection's output are never sent, the file's bytes go in their place. The substitution is by position in the
/// output, so it holds however Kestrel buffers the body, as long as the body reaches the connection unchanged —
/// true for HTTP/1.1 with a <c>Content-Length</c> and no TLS, the only endpoint that gets this writer.
/// </remarks>
internal sealed class SendFileWriter : PipeWriter, IDisposable
{
    /// <summary>The most bytes one flush of a file region sends; the body writer is advanced this much at a time.</summary>
    public const int ChunkBytes = 1 << 20;

    /// <summary>
    /// What the body writer hands out inside a file region. Nobody writes into it (the bytes at those positions are
    /// dropped), so every connection shares this one.
    /// </summary>
    private static readonly byte[] s_placeholder = GC.AllocateUninitializedArray<byte>(ChunkBytes);

    private readonly Socket _socket;
    private readonly PipeWriter _inner;
    private readonly SocketAsyncEventArgs _sendFile = new();
    private FileStream? _file;
    private long _fileOffset;
    private long _fileUnwritten;
    private long _fileUnsent;
    private bool _broken;

    public SendFileWriter(Socket socket, PipeWriter inner)
    {
        _socket = socket;
        _inner = inner;
        _sendFile.Completed += (_, args) => ((TaskCompletionSource<SocketError>)args.UserToken!).TrySetResult(args.SocketError);
    }

    /// <summary>
    /// Makes the next <paramref name="length"/> bytes of the output the file's from <paramref name="offset"/>. Everything
    /// written before must have been flushed (the response's headers); the caller keeps the file open until its last
    /// flush in the region has completed.
    /// </summary>
    public void BeginFile(FileStream file, long offset, long length)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (_file is not null || _inner.UnflushedBytes != 0)
        {
            throw new InvalidOperationException("a file region starts after everything before it is flushed, and one at a time");
        }

        _file = file;
        _fileOffset = offset;
        _fileUnwritten = length;
        _fileUnsent = 0;
    }

    public override bool CanGetUnflushedBytes => true;

    public override long UnflushedBytes => _fileUnsent + _inner.UnflushedBytes;

    public override Memory<byte> GetMemory(int sizeHint = 0) =>
        _fileUnwritten > 0 ? s_placeholder.AsMemory(0, (int)Math.Min(ChunkBytes, _fileUnwritten)) : _inner.GetMemory(sizeHint);

    public override Span<byte> GetSpan(int sizeHint = 0) => GetMemory(sizeHint).Span;

    public override void Advance(int bytes)
    {
        if (_fileUnwritten == 0)
        {
            _inner.Advance(bytes);
            return;
        }

        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bytes, _fileUnwritten);
        _fileUnwritten -= bytes;
        _fileUnsent += bytes;
    }

    public override async ValueTask<FlushResult> FlushAsync(CancellationToken cancellationToken = default)
    {
        if (_broken)
        {
            return new FlushResult(isCanceled: false, isCompleted: true);
        }

        try
        {
            // The file's bytes come first: anything in the inner writer was written after the region (the region starts
            // with the inner writer flushed).
            if (_fileUnsent > 0)
            {
                await SendFileAsync(_fileUnsent);
            }

            var result = await _inner.FlushAsync(cancellationToken);
            _broken = result.IsCompleted;
            return result;
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException)
        {
            // As Kestrel's own socket output: a connection that broke is a completed output, not an error of the app's.
            // Kestrel counted the region as written, so the connection must not carry another response: it is shut.
            _broken = true;
            Shut();
            return new FlushResult(isCanceled: false, isCompleted: true);
        }
    }

    public override void CancelPendingFlush() => _inner.CancelPendingFlush();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    public void Dispose() => _sendFile.Dispose();

    private void Shut()
    {
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already closed.
        }
    }

    private async Task SendFileAsync(long count)
    {
        var done = new TaskCompletionSource<SocketError>(TaskCreationOptions.RunContinuationsAsynchronously);
        _sendFile.UserToken = done;
        _sendFile.SendPacketsElements = [new SendPacketsElement(_file!, _fileOffset, (int)count)];
        try
        {
            if (!_socket.SendPacketsAsync(_sendFile))
            {
                done.TrySetResult(_sendFile.SocketError);
            }
        }
        catch (NotSupportedException)
        {
            // What SendPacketsAsync throws on a socket the peer has already closed.
            throw new SocketException((int)SocketError.NotConnected);
        }

        var error = await done.Task;
        if (error != SocketError.Success)
        {
            throw new SocketException((int)error);
        }

        if (_sendFile.BytesTransferred != count)
        {
            throw new IOException($"the file ended {count - _sendFile.BytesTransferred} bytes before its region");
        }

        _fileOffset += count;
        _fileUnsent = 0;
        if (_fileUnwritten == 0)
        {
            _file = null;
        }
    }
}
