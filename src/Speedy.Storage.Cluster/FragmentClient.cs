using System.Buffers;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Speedy.IO;

namespace Speedy.Storage.Cluster;

/// <summary>
/// Talks to the image servers: stores a fragment (the image server puts it on every member of a group) and reads
/// one back. Requests are spread over the image servers round-robin; a failed attempt (network error, timeout,
/// 5xx, 408, 429, a short or corrupt answer) is retried on the next image server after a growing wait.
/// </summary>
internal sealed class FragmentClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri[] _servers;
    private readonly ClusterStorageOptions _options;
    private readonly ILocalFragmentSource? _local;
    private int _next;
    private long _retries;
    private long _reads;
    private long _aheadBytes;

    /// <param name="options">Where the image servers are, and how hard to try.</param>
    /// <param name="local">Asked first for every read, when given.</param>
    public FragmentClient(ClusterStorageOptions options, ILocalFragmentSource? local)
    {
        _local = local;
        _servers = [.. options.ImageServers.Select(url => new Uri(url.EndsWith('/') ? url : url + "/"))];
        _options = options;
        _http = new HttpClient(new SocketsHttpHandler
        {
            ConnectTimeout = TimeSpan.FromSeconds(3),
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            MaxConnectionsPerServer = 256,
        })
        {
            Timeout = options.RequestTimeout,
        };
    }

    /// <summary>Retries seen so far (attempts after the first), for tests and metrics.</summary>
    public long Retries => Interlocked.Read(ref _retries);

    /// <summary>Fragment reads started (each counted once, however many attempts it took).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>Whether fragments are read from this process's own store first (<c>speedy server</c>).</summary>
    public bool ReadsLocally => _local is not null;

    /// <summary>
    /// Buffers of fragments being read: a pool of its own that keeps a few dozen fragment-sized arrays, where the
    /// shared pool keeps a handful and every miss is a new large-object allocation for the GC to find later.
    /// </summary>
    public ArrayPool<byte> Buffers { get; } = ArrayPool<byte>.Create(maxArrayLength: 16 << 20, maxArraysPerBucket: 32);

    /// <summary>Takes <paramref name="bytes"/> of the read-ahead budget (<see cref="ClusterStorageOptions.ReadAheadBytes"/>) if it has them.</summary>
    public bool TryReserveReadAhead(int bytes)
    {
        if (Interlocked.Add(ref _aheadBytes, bytes) <= _options.ReadAheadBytes)
        {
            return true;
        }

        Interlocked.Add(ref _aheadBytes, -bytes);
        return false;
    }

    /// <summary>Gives back what <see cref="TryReserveReadAhead"/> took.</summary>
    public void ReleaseReadAhead(int bytes) => Interlocked.Add(ref _aheadBytes, -bytes);

    /// <summary>Stores <paramref name="data"/> as fragment <paramref name="index"/> at <paramref name="offset"/>.</summary>
    /// <exception cref="StorageUnavailableException">Every attempt failed.</exception>
    public async Task<StoredFragment> UploadAsync(ReadOnlyMemory<byte> data, int index, long offset, CancellationToken cancellationToken)
    {
        var crc = Crc32C.Compute(data.Span);
        if (_local is not null && await TryUploadLocalAsync(data, index, offset, crc, cancellationToken) is { } local)
        {
            return local;
        }

        var query = string.Create(CultureInfo.InvariantCulture, $"v1/fragments?index={index}&offset={offset}");
        return await WithRetriesAsync(
            $"storing fragment {index} ({data.Length} bytes)",
            async (server, token) =>
            {
                using var content = new ReadOnlyMemoryContent(data);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
                using var response = await _http.PutAsync(new Uri(server, query), content, token);
                ThrowIfFailed(response);
                var stored = await response.Content.ReadFromJsonAsync(ClusterJsonContext.Default.StoredFragment, token)
                    ?? throw new InvalidDataException("the image server answered an empty body");
                if (stored.Crc != crc || stored.Size != data.Length)
                {
                    throw new InvalidDataException(
                        $"the image server stored {stored.Size} bytes with CRC {stored.Crc}, not {data.Length} with CRC {crc}");
                }

                return stored;
            },
            cancellationToken);
    }

    /// <summary>
    /// Reads a whole fragment into <paramref name="destination"/> and checks its length and CRC-32C: from the local
    /// source if it has the fragment intact, otherwise from the image servers.
    /// </summary>
    /// <exception cref="StorageUnavailableException">Every attempt failed.</exception>
    public async Task ReadAsync(string fid, uint crc, Memory<byte> destination, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _reads);
        if (_local is not null && await TryReadLocalAsync(fid, crc, destination, cancellationToken))
        {
            return;
        }

        await WithRetriesAsync(
            $"reading fragment {fid}",
            async (server, token) =>
            {
                var uri = new Uri(server, string.Create(CultureInfo.InvariantCulture, $"v1/fragments/{Uri.EscapeDataString(fid)}?crc={crc}"));
                using var response = await _http.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, token);
                ThrowIfFailed(response);
                if (response.Content.Headers.ContentLength is { } length && length != destination.Length)
                {
                    throw new InvalidDataException($"the image server answered {length} bytes, not {destination.Length}");
                }

                await using var body = await response.Content.ReadAsStreamAsync(token);
                await body.ReadExactlyAsync(destination, token);
                if (await body.ReadAsync(new byte[1], token) != 0)
                {
                    throw new InvalidDataException($"the image server answered more than {destination.Length} bytes");
                }

                var actual = Crc32C.Compute(destination.Span);
                if (actual != crc)
                {
                    throw new InvalidDataException($"fragment {fid} arrived with CRC {actual}, not {crc}");
                }

                return true;
            },
            cancellationToken);
    }

    public void Dispose() => _http.Dispose();

    private async ValueTask<StoredFragment?> TryUploadLocalAsync(ReadOnlyMemory<byte> data, int index, long offset, uint crc, CancellationToken cancellationToken)
    {
        try
        {
            return new StoredFragment(await _local!.UploadAsync(data, crc, index, offset, cancellationToken), data.Length, crc);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The image servers over HTTP get the fragment, with the driver's retries and backoff.
            return null;
        }
    }

    private async ValueTask<bool> TryReadLocalAsync(string fid, uint crc, Memory<byte> destination, CancellationToken cancellationToken)
    {
        try
        {
            return await _local!.TryReadAsync(fid, crc, destination, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A local copy that cannot be read (corrupt, being compacted, a volume closed) is asked of the image
            // servers, which fail over between the replicas and report the corruption.
            return false;
        }
    }

    private static void ThrowIfFailed(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        var message = $"the image server answered {status} {response.ReasonPhrase}";
        if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
        {
            throw new HttpRequestException(message, null, response.StatusCode);
        }

        throw new FragmentRejectedException(message);
    }

    private async Task<T> WithRetriesAsync<T>(string what, Func<Uri, CancellationToken, Task<T>> attempt, CancellationToken cancellationToken)
    {
        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)_servers.Length);
        Exception? last = null;
        for (var i = 0; i < _options.Attempts; i++)
        {
            if (i > 0)
            {
                Interlocked.Increment(ref _retries);
                await Task.Delay(_options.DelayBeforeRetry(i), cancellationToken);
            }

            var server = _servers[(start + i) % _servers.Length];
            try
            {
                return await attempt(server, cancellationToken);
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidDataException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
                last = ex;
            }
        }

        throw new StorageUnavailableException($"{what} failed after {_options.Attempts} attempts: {last?.Message}", last!);
    }
}
