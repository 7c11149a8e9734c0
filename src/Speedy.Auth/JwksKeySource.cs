using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;

namespace Speedy.Auth;

/// <summary>
/// The index's public keys from its JSON Web Key Set (<see cref="TokenProtocol.JwksPath"/>), fetched over HTTP and
/// cached. A key id the cached set lacks (the index rotated its key) refreshes the set, at most once per
/// <see cref="RefreshInterval"/> so that tokens with made-up key ids cannot make the registry hammer the index;
/// concurrent callers share one fetch. A set older than <see cref="MaxAge"/> is refreshed too, so a key the index
/// retired stops being trusted. A failed fetch keeps the last good set: a briefly unreachable index does not turn
/// every valid token away.
/// </summary>
public sealed class JwksKeySource : ISigningKeySource
{
    /// <summary>The shortest time between two fetches.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(10);

    /// <summary>How long a fetched set is used before it is fetched again.</summary>
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    /// <summary>The largest key set read; a real one is a few KiB.</summary>
    public const int MaxSetBytes = 1 << 20;

    private readonly Uri _url;
    private readonly HttpClient _client;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private KeySet _current;
    private Task<KeySet>? _refresh;
    private long _lastAttempt;
    private bool _attempted;

    /// <param name="url">The index's JWKS address.</param>
    /// <param name="client">The client that fetches it (its timeout bounds a fetch).</param>
    /// <param name="timeProvider">The clock of the refresh limits.</param>
    /// <param name="logger">Where failed fetches are reported.</param>
    public JwksKeySource(Uri url, HttpClient client, TimeProvider timeProvider, ILogger<JwksKeySource> logger)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _url = url;
        _client = client;
        _time = timeProvider;
        _logger = logger;
        _current = new KeySet([], timeProvider.GetTimestamp());
    }

    public async ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken)
    {
        var current = Volatile.Read(ref _current);
        var fresh = _time.GetElapsedTime(current.FetchedAt) < MaxAge;
        if (fresh && (keyId is null ? current.Keys.Count > 0 : current.Contains(keyId)))
        {
            return current.Keys;
        }

        Task<KeySet> refresh;
        lock (_lock)
        {
            if (_refresh is null)
            {
                if (_attempted && _time.GetElapsedTime(_lastAttempt) < RefreshInterval)
                {
                    return current.Keys;
                }

                _attempted = true;
                _lastAttempt = _time.GetTimestamp();
                _refresh = RefreshAsync();
            }

            refresh = _refresh;
        }

        return (await refresh.WaitAsync(cancellationToken)).Keys;
    }

    /// <summary>Fetches the set and makes it current; on failure logs and keeps the current one.</summary>
    private async Task<KeySet> RefreshAsync()
    {
        try
        {
            var keys = await FetchAsync();
            var set = new KeySet(keys, _time.GetTimestamp());
            Volatile.Write(ref _current, set);
            return set;
        }
        catch (Exception ex)
        {
            // Whatever went wrong (unreachable, timed out, an error status, not a key set), the last good set stays.
            Log.KeysFetchFailed(_logger, _url, ex);
            return Volatile.Read(ref _current);
        }
        finally
        {
            lock (_lock)
            {
                _refresh = null;
            }
        }
    }

    private async Task<IReadOnlyList<SecurityKey>> FetchAsync()
    {
        // Yield first: the caller holds the lock while this task is created.
        await Task.Yield();
        using var request = new HttpRequestMessage(HttpMethod.Get, _url);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"the key set answered {(int)response.StatusCode}", null, response.StatusCode);
        }

        if (response.Content.Headers.ContentLength > MaxSetBytes)
        {
            throw new InvalidDataException($"the key set is larger than {MaxSetBytes} bytes");
        }

        await using var body = await response.Content.ReadAsStreamAsync();
        using var buffer = new MemoryStream();
        var chunk = new byte[16 << 10];
        int read;
        while ((read = await body.ReadAsync(chunk)) > 0)
        {
            if (buffer.Length + read > MaxSetBytes)
            {
                throw new InvalidDataException($"the key set is larger than {MaxSetBytes} bytes");
            }

            buffer.Write(chunk, 0, read);
        }

        var set = new JsonWebKeySet(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        var keys = new List<SecurityKey>();
        foreach (var key in set.GetSigningKeys())
        {
            // Only public keys of the two accepted algorithms' kinds: a symmetric ("oct") key in the set would let
            // anyone who read the set sign tokens.
            if (key is AsymmetricSecurityKey || key is JsonWebKey { Kty: JsonWebAlgorithmsKeyTypes.EllipticCurve or JsonWebAlgorithmsKeyTypes.RSA })
            {
                keys.Add(key);
            }
        }

        Log.KeysFetched(_logger, _url, keys.Count);
        return keys;
    }

    private sealed record KeySet(IReadOnlyList<SecurityKey> Keys, long FetchedAt)
    {
        public bool Contains(string keyId)
        {
            foreach (var key in Keys)
            {
                if (string.Equals(key.KeyId, keyId, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }
}
