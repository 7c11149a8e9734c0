using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace Speedy.MetaServer;

/// <summary>The client's transport: one HttpClient over every server, failover, and errors mapped back to exceptions.</summary>
public sealed partial class MetaClient
{
    private readonly Uri[] _servers;
    private readonly HttpClient _http;
    private readonly ILogger _logger;

    /// <summary>The server that answered last; requests start there.</summary>
    private int _current;

    /// <exception cref="ArgumentException">No server, or one that is not an absolute http:// or https:// URL.</exception>
    public MetaClient(MetaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.Servers);
        ArgumentNullException.ThrowIfNull(options.Logger);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.RequestTimeout, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(options.ConnectTimeout, TimeSpan.Zero);
        if (options.Servers.Count == 0)
        {
            throw new ArgumentException("a meta client needs at least one meta server URL", nameof(options));
        }

        _servers = new Uri[options.Servers.Count];
        for (var i = 0; i < _servers.Length; i++)
        {
            var server = options.Servers[i];
            if (server is null || !server.IsAbsoluteUri || (server.Scheme != Uri.UriSchemeHttp && server.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"the meta server \"{server}\" is not an absolute http:// or https:// URL", nameof(options));
            }

            // Relative request URIs resolve below the base, so a server behind a path prefix keeps it.
            _servers[i] = server.AbsolutePath.EndsWith('/') ? server : new Uri(server.AbsoluteUri + "/");
        }

        var connectTimeout = options.ConnectTimeout;
        var handler = new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context.DnsEndPoint, connectTimeout, cancellationToken),
        };
        _http = new HttpClient(handler)
        {
            Timeout = options.RequestTimeout,
            MaxResponseContentBufferSize = MetaProtocol.MaxJsonBodyBytes,
        };
        _logger = options.Logger;
    }

    /// <summary>
    /// Sends a request to the current server, failing over as <see cref="MetaOperation"/> allows. The response (its
    /// body read) is returned whatever its status, except a 5xx, which counts as a failure of that server.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(
        HttpMethod method, string relativeUri, HttpContent? content, MetaOperation operation, CancellationToken cancellationToken)
    {
        var first = Volatile.Read(ref _current);
        var sent = false;
        Exception? last = null;
        for (var attempt = 0; attempt < _servers.Length; attempt++)
        {
            var index = (first + attempt) % _servers.Length;
            var server = _servers[index];
            var request = new HttpRequestMessage(method, new Uri(server, relativeUri)) { Content = content };
            HttpResponseMessage response;
            try
            {
                response = await _http.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException ex) when (ex.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
            {
                // The connection was never established: no server saw the request, whatever it was.
                last = ex;
                Log.FailingOver(_logger, server, ex.Message);
                continue;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                if (operation == MetaOperation.NonIdempotentWrite)
                {
                    throw Unknown(server, method, ex);
                }

                sent = true;
                last = ex;
                Log.FailingOver(_logger, server, ex.Message);
                continue;
            }
            finally
            {
                // The content is the caller's, to be sent again to the next server: the request must not dispose it.
                request.Content = null;
                request.Dispose();
            }

            if ((int)response.StatusCode >= 500)
            {
                var failure = new HttpRequestException(
                    $"{(int)response.StatusCode} {await ErrorMessageAsync(response, cancellationToken)}", null, response.StatusCode);
                response.Dispose();
                if (operation == MetaOperation.NonIdempotentWrite)
                {
                    throw Unknown(server, method, failure);
                }

                sent = true;
                last = failure;
                Log.FailingOver(_logger, server, failure.Message);
                continue;
            }

            if (index != first)
            {
                Interlocked.CompareExchange(ref _current, index, first);
            }

            return response;
        }

        var unknown = sent && operation != MetaOperation.Read;
        throw new MetaServerUnavailableException(
            $"no meta server answered {method} ({string.Join<Uri>(", ", _servers)}): {last?.Message}"
                + (unknown ? "; the write may have been applied" : string.Empty),
            unknown,
            last);
    }

    private static MetaServerUnavailableException Unknown(Uri server, HttpMethod method, Exception ex) => new(
        $"meta server {server} failed during {method} ({ex.Message}); the write may or may not have been applied, so it is not retried",
        outcomeUnknown: true,
        ex);

    /// <summary>Opens a TCP connection within <paramref name="timeout"/>; a timeout is reported as a connection failure.</summary>
    private static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(endPoint, limit.Token);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            // HttpClient reports a SocketException from the connect callback as HttpRequestError.ConnectionError.
            throw new SocketException((int)SocketError.TimedOut);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Throws the exception a store would have thrown for an error answer.</summary>
    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        if (response.StatusCode == expected)
        {
            return;
        }

        var message = await ErrorMessageAsync(response, cancellationToken);
        throw response.StatusCode switch
        {
            HttpStatusCode.BadRequest or HttpStatusCode.RequestEntityTooLarge or HttpStatusCode.UnsupportedMediaType =>
                new ArgumentException(message),
            HttpStatusCode.Conflict => new MetaPathConflictException(message),
            _ => new IOException($"the meta server answered {(int)response.StatusCode}: {message}"),
        };
    }

    private static async Task<string> ErrorMessageAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.Content.Headers.ContentType?.MediaType == MetaProtocol.Json)
        {
            try
            {
                if (await response.Content.ReadFromJsonAsync(MetaJsonContext.Default.MetaError, cancellationToken) is { } error)
                {
                    return error.Error;
                }
            }
            catch (JsonException)
            {
                // Not the meta server's error body (a proxy's?): the status line says what is known.
            }
        }

        return response.ReasonPhrase ?? response.StatusCode.ToString();
    }
}
