using System.Buffers.Text;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Speedy.Registry.Storage;
using Speedy.Storage;

namespace Speedy.Registry.Uploads;

/// <summary>
/// Signs and checks the <c>_state</c> parameter of upload locations with HMAC-SHA256, so a session id cannot
/// be guessed or moved to another repository. The key is configured, or generated once and kept in the
/// storage under /secrets, so replicas on the same storage agree without setup. When two replicas start at
/// once and both generate a key, every key in /secrets verifies and the ordinally first one signs, so both
/// settle on the same key and nothing either signed is refused.
/// </summary>
internal sealed class UploadLocationSigner : IDisposable
{
    private const int TagBytes = 16;

    /// <summary>Unpadded base64url of <see cref="TagBytes"/> bytes.</summary>
    private const int EncodedTagLength = 22;

    private readonly IStorageDriver _driver;
    private readonly byte[]? _configuredKey;
    private readonly SemaphoreSlim _loadLock = new(1, 1);
    private volatile byte[][]? _keys;

    public UploadLocationSigner(IStorageDriver driver, string? configuredSecret)
    {
        _driver = driver;
        _configuredKey = string.IsNullOrEmpty(configuredSecret) ? null : Encoding.UTF8.GetBytes(configuredSecret);
    }

    public void Dispose() => _loadLock.Dispose();

    public async ValueTask<string> SignAsync(string name, string id, CancellationToken cancellationToken)
    {
        var keys = await KeysAsync(reload: false, cancellationToken);
        return Sign(keys[0], name, id);
    }

    public async ValueTask<bool> VerifyAsync(string name, string id, string? state, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(state))
        {
            return false;
        }

        if (Verify(await KeysAsync(reload: false, cancellationToken), name, id, state))
        {
            return true;
        }

        return _configuredKey is null && Verify(await KeysAsync(reload: true, cancellationToken), name, id, state);
    }

    /// <summary>
    /// Compares the presented state with each key's canonical encoding, in constant time. Nothing is decoded, so
    /// no damaged state (bad characters, a wrong length, non-zero padding bits) can throw.
    /// </summary>
    private static bool Verify(byte[][] keys, string name, string id, string state)
    {
        Span<char> expected = stackalloc char[EncodedTagLength];
        if (state.Length != EncodedTagLength)
        {
            return false;
        }

        var presented = MemoryMarshal.AsBytes(state.AsSpan());
        foreach (var key in keys)
        {
            if (Base64Url.TryEncodeToChars(Tag(key, name, id), expected, out var written) && written == EncodedTagLength
                && CryptographicOperations.FixedTimeEquals(presented, MemoryMarshal.AsBytes((ReadOnlySpan<char>)expected)))
            {
                return true;
            }
        }

        return false;
    }

    private static string Sign(byte[] key, string name, string id) => Base64Url.EncodeToString(Tag(key, name, id));

    private static byte[] Tag(byte[] key, string name, string id)
    {
        var message = Encoding.UTF8.GetBytes($"{name}\n{id}");
        return HMACSHA256.HashData(key, message)[..TagBytes];
    }

    private async ValueTask<byte[][]> KeysAsync(bool reload, CancellationToken cancellationToken)
    {
        if (_configuredKey is not null)
        {
            return [_configuredKey];
        }

        if (!reload && _keys is { } keys)
        {
            return keys;
        }

        await _loadLock.WaitAsync(cancellationToken);
        try
        {
            var loaded = await LoadKeysAsync(cancellationToken);
            if (loaded.Length == 0)
            {
                var id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
                await _driver.PutContentAsync($"{RegistryPaths.SecretsRoot}/{id}", RandomNumberGenerator.GetBytes(32), cancellationToken);
                loaded = await LoadKeysAsync(cancellationToken);
            }

            _keys = loaded;
            return loaded;
        }
        finally
        {
            _loadLock.Release();
        }
    }

    private async ValueTask<byte[][]> LoadKeysAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<string> paths;
        try
        {
            paths = await _driver.ListAsync(RegistryPaths.SecretsRoot, cancellationToken);
        }
        catch (StoragePathNotFoundException)
        {
            return [];
        }

        var keys = new List<byte[]>(paths.Count);
        foreach (var path in paths)
        {
            try
            {
                keys.Add(await _driver.GetContentAsync(path, cancellationToken));
            }
            catch (StoragePathNotFoundException)
            {
                continue;
            }
        }

        return [.. keys];
    }
}
