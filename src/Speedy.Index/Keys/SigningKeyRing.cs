using System.Globalization;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Speedy.Auth;

namespace Speedy.Index.Keys;

/// <summary>
/// The index's ES256 signing keys, one PEM file each (<c>es256-yyyyMMddTHHmmssfffZ.pem</c>, mode 0600) in a directory
/// of their own, rotated without downtime:
/// <list type="number">
/// <item>A new key is published (in the JWKS and <see cref="GetKeysAsync"/>) at once, but signs only once it is
/// <see cref="SigningKeyRingOptions.PublishDelay"/> old, longer than any registry caches the JWKS, so no registry sees
/// a token whose key it does not know.</item>
/// <item>The key that signs is the newest one past its delay (the only key, at the very first start).</item>
/// <item>A key that a newer one took over from stays published until every token it signed has expired
/// (<see cref="TokenProtocol.TokenLifetime"/> plus a minute of clock skew), then its file is deleted.</item>
/// <item>A key is made when the newest is <see cref="SigningKeyRingOptions.RotationInterval"/> old, and on demand
/// (<see cref="Rotate"/>, <c>speedy index rotate-key</c>, which another process may do: <see cref="Maintain"/> reads
/// the directory again).</item>
/// </list>
/// It is also the registry's <see cref="ISigningKeySource"/> when both run in one process.
/// </summary>
public sealed class SigningKeyRing : ISigningKeySource, IDisposable
{
    private const string FilePrefix = "es256-";
    private const string FileSuffix = ".pem";
    private const string TimeFormat = "yyyyMMdd'T'HHmmssfff'Z'";

    /// <summary>How long after a key stopped signing its last token can still be valid: a token's lifetime and clock skew.</summary>
    public static readonly TimeSpan RetireAfter = TokenProtocol.TokenLifetime + TimeSpan.FromMinutes(1);

    private readonly string _directory;
    private readonly SigningKeyRingOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, SigningKey> _byPath = new(StringComparer.Ordinal);
    private SigningKey[] _keys = [];
    private bool _disposed;

    private SigningKeyRing(string directory, SigningKeyRingOptions options, TimeProvider timeProvider)
    {
        _directory = directory;
        _options = options;
        _timeProvider = timeProvider;
    }

    /// <summary>Every key on disk, oldest first: the ones that sign, have signed, or will sign.</summary>
    public IReadOnlyList<SigningKey> PublishedKeys => Volatile.Read(ref _keys);

    /// <summary>The key that signs now.</summary>
    public SigningKey Current
    {
        get
        {
            var keys = Volatile.Read(ref _keys);
            ObjectDisposedException.ThrowIf(keys.Length == 0, this);
            return SignerOf(keys, _timeProvider.GetUtcNow());
        }
    }

    /// <summary>Opens the ring in <paramref name="directory"/> (created 0700 if missing), making the first key if there is none.</summary>
    public static SigningKeyRing Open(string directory, SigningKeyRingOptions options, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        var full = Path.GetFullPath(directory);
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(full);
        }
        else
        {
            Directory.CreateDirectory(full, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var ring = new SigningKeyRing(full, options, timeProvider);
        ring.Maintain();
        return ring;
    }

    /// <summary>Makes a key file in <paramref name="directory"/> now, for a running index to pick up (<c>speedy index rotate-key</c>).</summary>
    /// <returns>The new key's id.</returns>
    public static string CreateKeyFile(string directory, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(timeProvider);
        using var ring = Open(directory, new SigningKeyRingOptions(), timeProvider);
        return ring.Rotate().KeyId;
    }

    /// <summary>Makes and publishes a new key now; it signs after the publish delay.</summary>
    public SigningKey Rotate()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var key = WriteKey(_timeProvider.GetUtcNow());
            _byPath[key.Path] = key;
            Publish();
            return key;
        }
    }

    /// <summary>
    /// Reads the directory again (keys made by another process), makes a key when the newest is too old (or there is
    /// none), and deletes the keys whose tokens have all expired. Run at start and then every minute or so.
    /// </summary>
    public void Maintain()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var now = _timeProvider.GetUtcNow();
            Load();
            var keys = Sorted();
            if (keys.Length == 0 || keys[^1].Created + _options.RotationInterval <= now)
            {
                var key = WriteKey(now);
                _byPath[key.Path] = key;
                keys = Sorted();
            }

            var signer = SignerOf(keys, now);
            for (var i = 0; i < keys.Length - 1; i++)
            {
                var key = keys[i];
                var successorSigns = keys[i + 1].Created + _options.PublishDelay;
                if (key.Created < signer.Created && successorSigns <= now && successorSigns + RetireAfter <= now)
                {
                    File.Delete(key.Path);
                    _byPath.Remove(key.Path);
                    key.Dispose();
                }
            }

            Publish();
        }
    }

    /// <summary>The published public keys; with a key id, only that key (empty when it is unknown).</summary>
    public ValueTask<IReadOnlyList<SecurityKey>> GetKeysAsync(string? keyId, CancellationToken cancellationToken)
    {
        var keys = Volatile.Read(ref _keys);
        IReadOnlyList<SecurityKey> result = [.. keys
            .Where(key => keyId is null || string.Equals(key.KeyId, keyId, StringComparison.Ordinal))
            .Select(key => key.PublicSecurityKey)];
        return ValueTask.FromResult(result);
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var key in _byPath.Values)
            {
                key.Dispose();
            }

            _byPath.Clear();
            Volatile.Write(ref _keys, []);
        }
    }

    /// <summary>The newest key past its publish delay; if none is, the oldest (the first key ever signs at once).</summary>
    private SigningKey SignerOf(SigningKey[] keys, DateTimeOffset now)
    {
        for (var i = keys.Length - 1; i >= 0; i--)
        {
            if (keys[i].Created + _options.PublishDelay <= now)
            {
                return keys[i];
            }
        }

        return keys[0];
    }

    private SigningKey[] Sorted() => [.. _byPath.Values.OrderBy(key => key.Created).ThenBy(key => key.KeyId, StringComparer.Ordinal)];

    private void Publish() => Volatile.Write(ref _keys, Sorted());

    private void Load()
    {
        var present = new HashSet<string>(StringComparer.Ordinal);
        foreach (var path in Directory.EnumerateFiles(_directory, FilePrefix + "*" + FileSuffix))
        {
            present.Add(path);
            if (_byPath.ContainsKey(path) || !TryParseCreated(path, out var created))
            {
                continue;
            }

            var ecdsa = ECDsa.Create();
            try
            {
                ecdsa.ImportFromPem(File.ReadAllText(path));
            }
            catch (ArgumentException ex)
            {
                ecdsa.Dispose();
                throw new InvalidDataException($"the signing key file {path} is not an EC private key in PEM: {ex.Message}", ex);
            }

            if (ecdsa.KeySize != 256)
            {
                ecdsa.Dispose();
                throw new InvalidDataException($"the signing key file {path} is not a P-256 key");
            }

            _byPath[path] = new SigningKey(ecdsa, created, path);
        }

        // A key deleted by another process (its ring retired it) is gone here too.
        foreach (var gone in _byPath.Keys.Where(path => !present.Contains(path)).ToList())
        {
            _byPath[gone].Dispose();
            _byPath.Remove(gone);
        }
    }

    private SigningKey WriteKey(DateTimeOffset now)
    {
        // Two keys made in one millisecond (the first key, then a rotation) get consecutive stamps.
        var created = TruncateToMilliseconds(now);
        while (File.Exists(FilePath(created)))
        {
            created = created.AddMilliseconds(1);
        }

        var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = FilePath(created);
        var name = Path.GetFileName(path);
        var temporary = Path.Combine(_directory, $".{name}.{Guid.NewGuid():N}.tmp");
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using (var writer = new StreamWriter(temporary, options))
            {
                writer.Write(ecdsa.ExportPkcs8PrivateKeyPem());
                writer.Flush();
                ((FileStream)writer.BaseStream).Flush(flushToDisk: true);
            }

            // Renamed into place so a ring reading the directory never sees half a key.
            File.Move(temporary, path, overwrite: false);
        }
        catch
        {
            File.Delete(temporary);
            ecdsa.Dispose();
            throw;
        }

        return new SigningKey(ecdsa, created, path);
    }

    private string FilePath(DateTimeOffset created) =>
        Path.Combine(_directory, FilePrefix + created.UtcDateTime.ToString(TimeFormat, CultureInfo.InvariantCulture) + FileSuffix);

    private static DateTimeOffset TruncateToMilliseconds(DateTimeOffset time) =>
        new(time.UtcTicks - (time.UtcTicks % TimeSpan.TicksPerMillisecond), TimeSpan.Zero);

    private static bool TryParseCreated(string path, out DateTimeOffset created)
    {
        var name = Path.GetFileName(path);
        var stamp = name[FilePrefix.Length..^FileSuffix.Length];
        return DateTimeOffset.TryParseExact(
            stamp, TimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out created);
    }
}
