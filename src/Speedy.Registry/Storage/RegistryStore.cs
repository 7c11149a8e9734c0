using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Speedy.Registry.Core;
using Speedy.Storage;

namespace Speedy.Registry.Storage;

/// <summary>
/// The registry's view of a storage driver: blobs, repository links, manifests, tags, referrers and the
/// catalog, laid out as <see cref="RegistryPaths"/> draws. Holds no state a replica must share: everything
/// lives in the driver, and the only cache holds immutable, content-addressed manifests.
/// </summary>
internal sealed partial class RegistryStore : IDisposable
{
    private readonly IStorageDriver _driver;
    private readonly MemoryCache _manifests;
    private readonly HashSet<string> _knownRepositories = new(StringComparer.Ordinal);
    private readonly Lock _knownRepositoriesLock = new();

    public RegistryStore(IStorageDriver driver)
    {
        _driver = driver;
        _manifests = new MemoryCache(new MemoryCacheOptions { SizeLimit = 64L << 20 });
    }

    public IStorageDriver Driver => _driver;

    public void Dispose() => _manifests.Dispose();

    /// <summary>Size of a stored blob, or null when the store has no such blob.</summary>
    public async ValueTask<long?> StatBlobAsync(Digest digest, CancellationToken cancellationToken)
    {
        var info = await TryStatAsync(RegistryPaths.Blob(digest), cancellationToken);
        return info is { IsDirectory: false } ? info.Value.Size : null;
    }

    public ValueTask<Stream> OpenBlobAsync(Digest digest, long offset, long length, CancellationToken cancellationToken) =>
        _driver.ReaderAsync(RegistryPaths.Blob(digest), offset, length, cancellationToken);

    /// <summary>True when the repository may serve the blob: it was uploaded or mounted there, or is one of its manifests.</summary>
    public async ValueTask<bool> IsBlobLinkedAsync(string name, Digest digest, CancellationToken cancellationToken) =>
        await ExistsAsync(RegistryPaths.LayerLink(name, digest), cancellationToken)
        || await ExistsAsync(RegistryPaths.ManifestRevisionLink(name, digest), cancellationToken);

    public async ValueTask LinkBlobAsync(string name, Digest digest, CancellationToken cancellationToken)
    {
        await _driver.PutContentAsync(RegistryPaths.LayerLink(name, digest), Encoding.ASCII.GetBytes(digest.ToString()), cancellationToken);
        await AddToCatalogAsync(name, cancellationToken);
    }

    /// <summary>Removes the repository's link to a blob; the bytes stay for other repositories until garbage collection.</summary>
    public async ValueTask<bool> UnlinkBlobAsync(string name, Digest digest, CancellationToken cancellationToken) =>
        await TryDeleteAsync(RegistryPaths.LayerLink(name, digest), cancellationToken);

    /// <summary>
    /// Publishes the bytes at <paramref name="sourcePath"/> as the blob <paramref name="digest"/> by an atomic
    /// move; when the blob is already stored, identical bytes are kept once and the source is deleted.
    /// </summary>
    public async ValueTask PublishBlobAsync(string sourcePath, Digest digest, CancellationToken cancellationToken)
    {
        if (await StatBlobAsync(digest, cancellationToken) is not null)
        {
            await TryDeleteAsync(sourcePath, cancellationToken);
            return;
        }

        await _driver.MoveAsync(sourcePath, RegistryPaths.Blob(digest), cancellationToken);
    }

    /// <summary>Stores verified <paramref name="content"/> as the blob <paramref name="digest"/>, unless it is stored already.</summary>
    public async ValueTask PutBlobAsync(Digest digest, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        if (await StatBlobAsync(digest, cancellationToken) is null)
        {
            await _driver.PutContentAsync(RegistryPaths.Blob(digest), content, cancellationToken);
        }
    }

    public async ValueTask<bool> RepositoryExistsAsync(string name, CancellationToken cancellationToken) =>
        await ExistsAsync(RegistryPaths.CatalogEntry(name), cancellationToken);

    private async ValueTask<StorageFileInfo?> TryStatAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await _driver.StatAsync(path, cancellationToken);
        }
        catch (StoragePathNotFoundException)
        {
            return null;
        }
    }

    private async ValueTask<bool> ExistsAsync(string path, CancellationToken cancellationToken) =>
        await TryStatAsync(path, cancellationToken) is not null;

    private async ValueTask<byte[]?> TryGetContentAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await _driver.GetContentAsync(path, cancellationToken);
        }
        catch (StoragePathNotFoundException)
        {
            return null;
        }
    }

    private async ValueTask<bool> TryDeleteAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            await _driver.DeleteAsync(path, cancellationToken);
            return true;
        }
        catch (StoragePathNotFoundException)
        {
            return false;
        }
    }

    private async ValueTask<IReadOnlyList<string>> TryListAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await _driver.ListAsync(path, cancellationToken);
        }
        catch (StoragePathNotFoundException)
        {
            return [];
        }
    }
}
