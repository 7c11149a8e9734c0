using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace Speedy.Auth;

/// <summary>
/// Checks Basic credentials against an htpasswd file for the registry's simple mode. bcrypt is slow on purpose
/// (~100 ms), and a client sends its credentials with every request of a push, so a successful check is remembered
/// for <see cref="CacheLifetime"/>, keyed by an HMAC (with a per-process random key) of the user and password: the
/// cache holds no password, and a wrong password is never served from it. The file is read again when it changes
/// (checked at most once per <see cref="ReloadCheckInterval"/>); a change that does not parse keeps the users read
/// before, and any reload empties the cache so a removed user or a changed password takes effect at once.
/// </summary>
public sealed class HtpasswdAuthenticator
{
    public static readonly TimeSpan CacheLifetime = TimeSpan.FromMinutes(1);

    public static readonly TimeSpan ReloadCheckInterval = TimeSpan.FromSeconds(1);

    /// <summary>Past this many remembered checks, expired ones are dropped (all, if none has expired).</summary>
    private const int MaxCacheEntries = 4096;

    private readonly string _path;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly byte[] _cacheKey = RandomNumberGenerator.GetBytes(32);
    private readonly ConcurrentDictionary<string, long> _verified = new(StringComparer.Ordinal);
    private readonly Lock _reloadLock = new();
    private HtpasswdFile _file;
    private FileStamp _stamp;
    private long _lastCheck;

    /// <exception cref="InvalidDataException">The file is malformed or holds a hash that is not bcrypt.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public HtpasswdAuthenticator(string path, TimeProvider timeProvider, ILogger<HtpasswdAuthenticator> logger)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _path = Path.GetFullPath(path);
        _time = timeProvider;
        _logger = logger;
        _stamp = FileStamp.Of(_path);
        _file = HtpasswdFile.Load(_path);
        _lastCheck = timeProvider.GetTimestamp();
    }

    /// <summary>Whether the credentials are those of a user in the file.</summary>
    public bool Authenticate(string user, string password)
    {
        ArgumentNullException.ThrowIfNull(user);
        ArgumentNullException.ThrowIfNull(password);
        ReloadIfChanged();
        var key = CacheKey(user, password);
        var now = _time.GetTimestamp();
        if (_verified.TryGetValue(key, out var verifiedAt) && _time.GetElapsedTime(verifiedAt, now) < CacheLifetime)
        {
            return true;
        }

        var file = Volatile.Read(ref _file);
        if (!file.Verify(user, password))
        {
            return false;
        }

        if (_verified.Count >= MaxCacheEntries)
        {
            Prune(now);
        }

        // Only remembered if no reload replaced the file during the check: a removed user stays removed.
        if (ReferenceEquals(file, Volatile.Read(ref _file)))
        {
            _verified[key] = now;
        }

        return true;
    }

    private string CacheKey(string user, string password)
    {
        // A user name cannot hold a colon (Basic credentials split at the first), so "user:password" is unambiguous.
        var text = Encoding.UTF8.GetBytes(user + ":" + password);
        return Convert.ToBase64String(HMACSHA256.HashData(_cacheKey, text));
    }

    private void Prune(long now)
    {
        foreach (var (key, verifiedAt) in _verified)
        {
            if (_time.GetElapsedTime(verifiedAt, now) >= CacheLifetime)
            {
                _verified.TryRemove(key, out _);
            }
        }

        if (_verified.Count >= MaxCacheEntries)
        {
            _verified.Clear();
        }
    }

    private void ReloadIfChanged()
    {
        if (_time.GetElapsedTime(Volatile.Read(ref _lastCheck)) < ReloadCheckInterval)
        {
            return;
        }

        lock (_reloadLock)
        {
            if (_time.GetElapsedTime(_lastCheck) < ReloadCheckInterval)
            {
                return;
            }

            Volatile.Write(ref _lastCheck, _time.GetTimestamp());
            try
            {
                var stamp = FileStamp.Of(_path);
                if (stamp == _stamp)
                {
                    return;
                }

                // Taken before the read: a file caught half-written fails to parse, and its next write changes the stamp again.
                _stamp = stamp;
                var file = HtpasswdFile.Load(_path);
                Volatile.Write(ref _file, file);
                _verified.Clear();
                Log.HtpasswdReloaded(_logger, _path, file.Count);
            }
            catch (Exception ex) when (ex is IOException or InvalidDataException or UnauthorizedAccessException)
            {
                Log.HtpasswdReloadFailed(_logger, _path, ex);
            }
        }
    }

    private readonly record struct FileStamp(DateTime LastWrite, long Length)
    {
        public static FileStamp Of(string path)
        {
            var info = new FileInfo(path);
            if (!info.Exists)
            {
                throw new FileNotFoundException($"htpasswd file {path} does not exist", path);
            }

            return new FileStamp(info.LastWriteTimeUtc, info.Length);
        }
    }
}
